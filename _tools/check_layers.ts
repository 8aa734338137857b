/**
 * Checks the package structure of `src/`: every import between packages must
 * go from a higher layer to a lower one in {@linkcode LAYERS}, which also
 * rules out package-level cycles. Run by `deno task ok`; exits 1 and lists
 * each offending import (file:line) when the rule is broken.
 *
 * ```sh
 * deno run --allow-read _tools/check_layers.ts
 * ```
 *
 * @module
 */

import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The packages of `src/`, lowest first. A package may import itself and the
 * packages listed before it, never one listed after it. A nested folder
 * listed here (`metrics/evaluators`) is a package of its own.
 */
export const LAYERS: readonly string[] = [
  "util", // seeded random numbers, the version, JSON and error helpers
  "backend", // TF.js backend selection and kernel fixes
  "data", // data set loaders, checksums, samplers
  "models", // the variant registry: generators and discriminators
  "losses", // the loss registry and the optimizers it prescribes
  "metrics", // pure metric kernels (FID, IS, KID, PSNR, SSIM, equilibrium)
  "metrics/evaluators", // the classifiers whose features the metrics read
  "train", // one cell's training loop, checkpoints, EMA
  "spec", // matrix specs: types, validation, expansion, profiles
  "results", // the results directory: layout, CSV, columns, PNG, manifest
  "evaluation", // the evaluation suite run at each interval
  "matrix", // the runner, parallel jobs, shard merging
  "report", // aggregation, tables, charts, compare
  "cli", // the command line
];

/** One import that breaks the layer order. */
export interface LayerViolation {
  /** File that imports, relative to the repository root. */
  file: string;
  /** 1-based line of the import. */
  line: number;
  /** Package of the importing file. */
  from: string;
  /** Package imported. */
  to: string;
}

/** Package of a path relative to `src/` (longest listed prefix), or undefined. */
export function packageOf(
  pathInSrc: string,
  layers: readonly string[] = LAYERS,
): string | undefined {
  const parts = pathInSrc.split("/");
  for (let n = parts.length - 1; n >= 1; n--) {
    const candidate = parts.slice(0, n).join("/");
    if (layers.includes(candidate)) return candidate;
  }
  return undefined;
}

/** Blanks out comments (keeping line breaks) so doc examples are not read as imports. */
function stripComments(source: string): string {
  return source
    .replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, " "))
    .replace(/(^|[^:"'`])\/\/[^\n]*/g, "$1");
}

const IMPORT =
  /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["'](\.{1,2}\/[^"']+)["']/g;

/**
 * Lists the relative imports of one source file with their line numbers.
 *
 * @param source The file's text.
 * @returns Each relative specifier and its 1-based line.
 */
export function relativeImports(
  source: string,
): { specifier: string; line: number }[] {
  const text = stripComments(source);
  const found: { specifier: string; line: number }[] = [];
  for (const match of text.matchAll(IMPORT)) {
    const line = text.slice(0, match.index).split("\n").length;
    found.push({ specifier: match[1], line });
  }
  return found;
}

/**
 * Checks every `.ts` file under `srcDir` against the layer order.
 *
 * @param srcDir The `src/` folder.
 * @param layers Packages, lowest first.
 * @returns The violations (empty when the structure is sound) and the
 *   package edges found, as "from -> to".
 */
export function checkLayers(
  srcDir: string,
  layers: readonly string[] = LAYERS,
): { violations: LayerViolation[]; edges: Set<string>; files: number } {
  const violations: LayerViolation[] = [];
  const edges = new Set<string>();
  let files = 0;
  for (const file of walk(srcDir)) {
    if (!file.endsWith(".ts") || file.endsWith(".d.ts")) continue;
    files++;
    const from = packageOf(relative(srcDir, file), layers);
    if (from === undefined) continue;
    const source = Deno.readTextFileSync(file);
    for (const { specifier, line } of relativeImports(source)) {
      const target = relative(
        srcDir,
        normalize(join(dirname(file), specifier)),
      );
      // The one file outside src/ that src/ may read: the project's
      // deno.json (the version). Any other way out of src/ is a violation.
      if (target === join("..", "deno.json")) continue;
      if (target.startsWith("..")) {
        violations.push({
          file: relative(join(srcDir, ".."), file),
          line,
          from,
          to: target,
        });
        continue;
      }
      const to = packageOf(target, layers);
      if (to === undefined || to === from) continue;
      edges.add(`${from} -> ${to}`);
      if (layers.indexOf(to) > layers.indexOf(from)) {
        violations.push({
          file: relative(join(srcDir, ".."), file),
          line,
          from,
          to,
        });
      }
    }
  }
  return { violations, edges, files };
}

function* walk(dir: string): Generator<string> {
  for (
    const entry of [...Deno.readDirSync(dir)].sort((a, b) =>
      a.name < b.name ? -1 : 1
    )
  ) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* walk(path);
    else if (entry.isFile) yield path;
  }
}

if (import.meta.main) {
  const src = fileURLToPath(new URL("../src", import.meta.url));
  const { violations, edges, files } = checkLayers(src);
  const unlisted = [...Deno.readDirSync(src)]
    .filter((e) => e.isDirectory && !LAYERS.includes(e.name))
    .map((e) => e.name);
  if (unlisted.length > 0) {
    console.error(
      `check_layers: src/${
        unlisted.join(", src/")
      } not in LAYERS (_tools/check_layers.ts)`,
    );
    Deno.exit(1);
  }
  if (violations.length > 0) {
    for (const v of violations) {
      console.error(
        `${v.file}:${v.line}: ${v.from} imports ${v.to}, which is not below it`,
      );
    }
    console.error(
      `check_layers: ${violations.length} import(s) against the layer order ${
        LAYERS.join(" < ")
      }`,
    );
    Deno.exit(1);
  }
  console.log(
    `check_layers: ${files} files, ${edges.size} package edges, all downward (${
      LAYERS.join(" < ")
    }); no cycle`,
  );
}
