/**
 * Where the committed evaluator weights live and how evaluators are named.
 *
 * @module
 */
import { isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseJsonText } from "../../util/json.ts";

/** Version suffix of the shipped evaluators; bump when retraining changes them. */
export const EVALUATOR_VERSION = "v2";

/**
 * The evaluator id of a data set's shipped classifier.
 *
 * @param dataset The data set id.
 * @returns `ganbench-<dataset>-v2`.
 * @example
 * ```ts
 * import { evaluatorIdFor } from "./paths.ts";
 * evaluatorIdFor("mnist"); // "ganbench-mnist-v2"
 * ```
 */
export function evaluatorIdFor(dataset: string): string {
  return `ganbench-${dataset}-${EVALUATOR_VERSION}`;
}

/**
 * The directory holding the committed weights of all data sets
 * (`src/metrics/evaluators/weights/`).
 *
 * @returns An absolute path (or URL string when ganbench runs from a remote URL).
 * @example
 * ```ts
 * import { defaultWeightsRoot } from "./paths.ts";
 * defaultWeightsRoot(); // ".../src/metrics/evaluators/weights"
 * ```
 */
export function defaultWeightsRoot(): string {
  const url = new URL("./weights/", import.meta.url);
  return url.protocol === "file:" ? fileURLToPath(url) : url.href;
}

/**
 * The directory of one data set's committed weights.
 *
 * @param dataset The data set id.
 * @param root The weights root (default {@linkcode defaultWeightsRoot}).
 * @returns `<root>/<dataset>`.
 * @example
 * ```ts
 * import { defaultWeightsDir } from "./paths.ts";
 * defaultWeightsDir("mnist"); // ".../weights/mnist"
 * ```
 */
export function defaultWeightsDir(
  dataset: string,
  root = defaultWeightsRoot(),
): string {
  return /^https?:/.test(root)
    ? new URL(`${dataset}/`, root.endsWith("/") ? root : root + "/").href
    : join(root, dataset);
}

/**
 * The id of a data set's shipped evaluator: its manifest's `id` (else
 * {@linkcode evaluatorIdFor}), or null when the data set ships none.
 *
 * @param dataset The data set id.
 * @param root The weights root (default {@linkcode defaultWeightsRoot}; a
 *   local directory).
 * @returns The shipped id, or null.
 * @throws Error naming the manifest when it cannot be read or parsed.
 * @example
 * ```ts
 * import { shippedEvaluatorId } from "./paths.ts";
 * await shippedEvaluatorId("mnist"); // "ganbench-mnist-v2"
 * ```
 */
export async function shippedEvaluatorId(
  dataset: string,
  root = defaultWeightsRoot(),
): Promise<string | null> {
  // Run from a URL, the shipped weights cannot be written anyway.
  if (/^https?:/.test(root)) return evaluatorIdFor(dataset);
  const path = join(defaultWeightsDir(dataset, root), "manifest.json");
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
  const manifest = parseJsonText(text, path) as { id?: unknown } | null;
  return typeof manifest?.id === "string"
    ? manifest.id
    : evaluatorIdFor(dataset);
}

/**
 * Whether `path` is `root` or lies below it, after resolving symbolic links
 * of the parts that exist (so a link into `root` counts as inside).
 *
 * @param path A directory.
 * @param root Another directory.
 * @returns True when `path` is `root` or inside it.
 * @example
 * ```ts
 * import { isWithin } from "./paths.ts";
 * isWithin("/a/b/c", "/a/b"); // true
 * isWithin("/a/bc", "/a/b"); // false
 * ```
 */
export function isWithin(path: string, root: string): boolean {
  const rel = relative(realPath(root), realPath(path));
  return rel === "" ||
    (rel !== ".." && !rel.startsWith("../") && !isAbsolute(rel));
}

/** The real path of `path`: of its longest existing prefix, then the rest. */
function realPath(path: string): string {
  const absolute = resolve(path);
  const rest: string[] = [];
  let head = absolute;
  for (;;) {
    try {
      return join(Deno.realPathSync(head), ...rest.reverse());
    } catch {
      const parent = resolve(head, "..");
      if (parent === head) return absolute;
      rest.push(head.slice(parent.length).replace(/^\//, ""));
      head = parent;
    }
  }
}
