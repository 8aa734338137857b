/**
 * Checks that make `report` and `compare` fail closed on damaged results:
 * a CSV file cut off inside its last row, a cell the manifest lists as
 * ended without its `summary.csv` row, and metric fields that are neither
 * empty nor a finite number. An empty metric field means "not computed"
 * (a diverged cell, or a metric the evaluation does not produce for that
 * data set) and is legitimate when every cell of its group has it empty;
 * `nan`, `inf` and text are never legitimate in a finished cell.
 *
 * @example
 * ```ts
 * import { checkWholeLines } from "./input_checks.ts";
 * import assert from "node:assert/strict";
 * checkWholeLines("run/summary.csv", "cell,fid\na,1\n"); // complete
 * assert.throws(
 *   () => checkWholeLines("run/summary.csv", "cell,fid\na,1"),
 *   /^ReportInputError: run\/summary\.csv: line 2 is cut off/,
 * );
 * ```
 *
 * @module
 */
import type { Manifest } from "../results/manifest.ts";
import { CompareInputError, ReportInputError } from "./errors.ts";

/**
 * Throws unless `text` is empty or ends with a newline: the writers append
 * whole lines, so a missing final newline is a row cut off mid-write.
 *
 * @param path The file, for the message.
 * @param text Its content.
 * @throws ReportInputError `<path>: line <n> is cut off (…)`.
 * @example
 * ```ts
 * import { checkWholeLines } from "./input_checks.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => checkWholeLines("m.csv", "a\n1\n2"), /line 3 is cut off/);
 * ```
 */
export function checkWholeLines(path: string, text: string): void {
  if (text === "" || text.endsWith("\n")) return;
  const line = text.split("\n").length;
  throw new ReportInputError(
    `${path}: line ${line} is cut off (the file does not end with a newline)`,
  );
}

/**
 * Throws when a cell the manifest records as finished or diverged has no
 * row in `summary.csv` (a lost or cut-off row), or a cell has two rows.
 *
 * @param dir The results directory, for the message.
 * @param manifest Its manifest.
 * @param rows The `summary.csv` rows.
 * @throws ReportInputError `<dir>: cell <id> is <status> in manifest.json
 *   but has no row in summary.csv`, or `<dir>/summary.csv line <n>: cell
 *   <id> has a second row`.
 * @example
 * ```ts
 * import { checkEndedCellsHaveRows } from "./input_checks.ts";
 * import type { Manifest } from "../results/manifest.ts";
 * import assert from "node:assert/strict";
 * const manifest = { cells: { a: { status: "finished" }, b: { status: "running" } } } as unknown as Manifest;
 * checkEndedCellsHaveRows("run", manifest, [{ cell: "a" }]);
 * assert.throws(() => checkEndedCellsHaveRows("run", manifest, []), /cell a is finished in manifest\.json/);
 * ```
 */
export function checkEndedCellsHaveRows(
  dir: string,
  manifest: Manifest,
  rows: readonly Record<string, string>[],
): void {
  const present = new Set<string>();
  rows.forEach((row, i) => {
    // A cell counted twice would weigh double in the mean over seeds.
    if (present.has(row.cell)) {
      throw new ReportInputError(
        `${dir}/summary.csv line ${i + 2}: cell ${row.cell} has a second row`,
      );
    }
    present.add(row.cell);
  });
  for (const [id, record] of Object.entries(manifest.cells)) {
    if (record.status === "running" || present.has(id)) continue;
    throw new ReportInputError(
      `${dir}: cell ${id} is ${record.status} in manifest.json but has no row in summary.csv`,
    );
  }
}

/** A finite decimal number as the CSV writer prints one. */
const FINITE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The rows of one side of a comparison, with where they came from. */
export interface CheckedRows {
  /** The `summary.csv` path, for messages. */
  path: string;
  /** The rows, in file order (row i is on line i + 2). */
  rows: readonly Record<string, string>[];
}

/**
 * Checks the metric fields that `compare` reads. In every row that did not
 * diverge, each metric must be empty or a finite number; and within a cell
 * group (rows with the same `groupOf`, over both sides) a metric must be
 * empty in all finished rows or in none, since a metric the evaluation
 * computes for a data set is computed for every cell of it.
 *
 * @param sides The baseline's and the candidate's rows.
 * @param metrics The metric columns compared.
 * @param groupOf The group key of a row (e.g. `<dataset>/<variant>/<loss>`).
 * @throws CompareInputError `<path> line <n>: cell <id>, column <metric>:
 *   …` for the first bad field.
 * @example
 * ```ts
 * import { checkMetricFields } from "./input_checks.ts";
 * import assert from "node:assert/strict";
 * const rows = [
 *   { cell: "a", status: "finished", fid: "3", psnr_nn: "" },
 *   { cell: "b", status: "finished", fid: "nan", psnr_nn: "" },
 * ];
 * assert.throws(
 *   () => checkMetricFields([{ path: "s.csv", rows }], ["fid", "psnr_nn"], () => "g"),
 *   /^CompareInputError: s\.csv line 3: cell b, column fid: 'nan' is not a finite number$/,
 * );
 * ```
 */
export function checkMetricFields(
  sides: readonly CheckedRows[],
  metrics: readonly string[],
  groupOf: (row: Record<string, string>) => string,
): void {
  // Per group and metric: the first empty and the first non-empty field.
  const seen = new Map<
    string,
    { empty?: [CheckedRows, number]; value?: boolean }
  >();
  for (const side of sides) {
    side.rows.forEach((row, i) => {
      if (row.status === "diverged") return;
      for (const metric of metrics) {
        const field = (row[metric] ?? "").trim();
        const key = `${groupOf(row)}\u0000${metric}`;
        const state = seen.get(key) ?? {};
        seen.set(key, state);
        if (field === "") {
          state.empty ??= [side, i];
          continue;
        }
        if (!FINITE.test(field) || !Number.isFinite(Number(field))) {
          throw new CompareInputError(
            `${
              where(side, i)
            }, column ${metric}: '${field}' is not a finite number`,
          );
        }
        state.value = true;
      }
    });
  }
  for (const [key, state] of seen) {
    if (!state.empty || !state.value) continue;
    const [group, metric] = key.split("\u0000");
    const [side, i] = state.empty;
    throw new CompareInputError(
      `${
        where(side, i)
      }, column ${metric}: empty, but other cells of ${group} have values`,
    );
  }
}

/** `<path> line <n>: cell <id>` of row `i`. */
function where(side: CheckedRows, i: number): string {
  return `${side.path} line ${i + 2}: cell ${side.rows[i].cell}`;
}
