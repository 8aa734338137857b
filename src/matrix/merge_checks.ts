/**
 * The checks a merge makes on its inputs, which are untrusted (shard
 * artifacts downloaded from CI): cell ids read from shard files must be cell
 * ids, grid directories real directories inside their run, and paths stay
 * inside the directories they belong to. A refusal is a
 * {@linkcode MergeInputError}.
 *
 * @module
 */
import { InputError } from "../util/errors.ts";
import { isAbsolute, join, relative, resolve } from "node:path";
import type { CsvTable } from "../results/csv.ts";
import {
  gridsDir,
  MANIFEST_FILE,
  METRICS_CSV,
  SUMMARY_CSV,
} from "../results/layout.ts";
import { isId } from "../spec/schema.ts";

/**
 * A merge refused because of its input (a directory that is no run, runs of
 * different specs or columns, a cell id that is not one, a grid directory
 * that is a link): one line naming the directory or file. A command line
 * maps it to a usage error (exit code 2).
 *
 * @example
 * ```ts
 * import { MergeInputError } from "./merge_checks.ts";
 * import assert from "node:assert/strict";
 * const e = new MergeInputError('cannot merge: s1/metrics.csv: cell id "../x" is not a cell id');
 * assert.ok(e instanceof Error);
 * assert.equal(e.name, "MergeInputError");
 * ```
 */
export class MergeInputError extends InputError {
  /**
   * Creates the error.
   *
   * @param message One line naming the directory or file and the problem.
   */
  constructor(message: string) {
    super(message);
    this.name = "MergeInputError";
  }
}

/**
 * Whether `child` is `parent` itself or lies below it, both resolved
 * (lexically: links are not followed).
 *
 * @param parent A directory.
 * @param child A path.
 * @returns True for `out/grids/x` in `out`, false for `out/../x`.
 * @example
 * ```ts
 * import { isInside } from "./merge_checks.ts";
 * import assert from "node:assert/strict";
 * assert.equal(isInside("out", "out/grids/a"), true);
 * assert.equal(isInside("out", "out/grids/../../victim"), false);
 * ```
 */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(resolve(parent), resolve(child));
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/**
 * Throws unless every cell id a run names (manifest keys, the `cell` column
 * of its CSVs) is a cell id: ids become directory names under `grids/`.
 *
 * @param dir The run directory (for messages).
 * @param manifest Its manifest (the cell records by id).
 * @param tables Its `metrics.csv` and `summary.csv`, when present.
 * @throws MergeInputError `cannot merge: <dir>/<file>: cell id "<id>" is not
 *   a cell id (…)`.
 * @example
 * ```ts
 * import { checkCellIds } from "./merge_checks.ts";
 * import assert from "node:assert/strict";
 * const manifest = { cells: { "mnist-mlp-ns-s0": {} } };
 * checkCellIds("s1", manifest, {}); // fine
 * const metrics = { columns: ["cell"], rows: [["../../victim"]] };
 * assert.throws(
 *   () => checkCellIds("s1", manifest, { metrics }),
 *   /s1\/metrics\.csv: cell id "\.\.\/\.\.\/victim" is not a cell id/,
 * );
 * ```
 */
export function checkCellIds(
  dir: string,
  manifest: { cells: Record<string, unknown> },
  tables: { metrics?: CsvTable; summary?: CsvTable },
): void {
  const check = (id: string, file: string) => {
    // isId: letters, digits, _ . - and an alphanumeric first character, so
    // no separator, no `..`, no absolute path, never empty.
    if (!isId(id)) {
      throw new MergeInputError(
        `cannot merge: ${join(dir, file)}: cell id ${
          JSON.stringify(id)
        } is not a cell id (letters, digits, _ . - only)`,
      );
    }
  };
  for (const id of Object.keys(manifest.cells)) check(id, MANIFEST_FILE);
  for (
    const [table, file] of [[tables.metrics, METRICS_CSV], [
      tables.summary,
      SUMMARY_CSV,
    ]] as const
  ) {
    const k = table?.columns.indexOf("cell") ?? -1;
    if (table && k >= 0) { for (const r of table.rows) check(r[k], file); }
  }
}

/**
 * Whether a cell's grid directory exists in its run: a real directory
 * inside the run's `grids/` (not a symbolic link, not reached through one).
 *
 * @param run The run directory.
 * @param path The cell's grid directory, `<run>/grids/<cell>`.
 * @returns False when nothing is there.
 * @throws MergeInputError When the path exists but is not such a directory.
 * @example
 * ```ts
 * import { isGridDir } from "./merge_checks.ts";
 * import assert from "node:assert/strict";
 * const run = await Deno.makeTempDir();
 * assert.equal(await isGridDir(run, `${run}/grids/a`), false);
 * await Deno.mkdir(`${run}/grids/a`, { recursive: true });
 * assert.equal(await isGridDir(run, `${run}/grids/a`), true);
 * await Deno.remove(run, { recursive: true });
 * ```
 */
export async function isGridDir(run: string, path: string): Promise<boolean> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(path);
  } catch {
    return false;
  }
  const real = info.isDirectory
    ? await Deno.realPath(path).catch(() => "")
    : "";
  const root = await Deno.realPath(run).catch(() => resolve(run));
  if (!info.isDirectory || real === "" || !isInside(gridsDir(root), real)) {
    throw new MergeInputError(
      `cannot merge: ${path}: not a directory inside ${
        gridsDir(run)
      } (symbolic links are not followed)`,
    );
  }
  return true;
}
