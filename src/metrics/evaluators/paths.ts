/**
 * Where the committed evaluator weights live and how evaluators are named.
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Version suffix of the shipped evaluators; bump when retraining changes them. */
export const EVALUATOR_VERSION = "v1";

/**
 * The evaluator id of a data set's shipped classifier.
 *
 * @param dataset The data set id.
 * @returns `ganbench-<dataset>-v1`.
 * @example
 * ```ts
 * import { evaluatorIdFor } from "./paths.ts";
 * evaluatorIdFor("mnist"); // "ganbench-mnist-v1"
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
