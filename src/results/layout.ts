/**
 * The layout of a results directory (docs/outputs.md#results-directory), defined once: the names
 * of its files and folders and helpers that build their paths.
 *
 * ```text
 * <dir>/manifest.json                  the spec, its hash and every cell's state
 * <dir>/metrics.csv                    a row per cell × evaluation
 * <dir>/summary.csv                    a row per cell
 * <dir>/grids/<cell>/<step>.png        each evaluation's sample grid
 * <dir>/grids/contact_sheet.png        the final grids side by side
 * <dir>/checkpoints/<cell>.ckpt        an unfinished cell's last checkpoint
 * <dir>/jobs/<cell>/                   one results directory per cell (parallel runs)
 * <dir>/run.lock                       held while a process writes the directory
 * ```
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gridPngPath, metricsCsvPath } from "./layout.ts";
 * assert.equal(metricsCsvPath("results/quick"), "results/quick/metrics.csv");
 * assert.equal(gridPngPath("r", "mnist-mlp-ns-s0", 40), "r/grids/mnist-mlp-ns-s0/40.png");
 * ```
 *
 * @module
 */
import { join } from "node:path";
import { MANIFEST_FILE } from "./manifest.ts";

export { MANIFEST_FILE };

/** The per-evaluation metrics file. */
export const METRICS_CSV = "metrics.csv";
/** The per-cell summary file. */
export const SUMMARY_CSV = "summary.csv";
/** The folder of sample grids (one sub-folder per cell). */
export const GRIDS_DIR = "grids";
/** The contact sheet's file name inside {@linkcode GRIDS_DIR}. */
export const CONTACT_SHEET_FILE = "contact_sheet.png";
/** The folder of unfinished cells' checkpoints. */
export const CHECKPOINTS_DIR = "checkpoints";
/** The folder of per-cell results directories of a parallel run. */
export const JOBS_DIR = "jobs";
/** The lock file of a directory being written (see `lock.ts`). */
export const LOCK_FILE = "run.lock";

/**
 * The path of a results directory's `manifest.json`.
 *
 * @param dir The results directory.
 * @returns `<dir>/manifest.json`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { manifestPath } from "./layout.ts";
 * assert.equal(manifestPath("out"), "out/manifest.json");
 * ```
 */
export function manifestPath(dir: string): string {
  return join(dir, MANIFEST_FILE);
}

/**
 * The path of a results directory's `metrics.csv`.
 *
 * @param dir The results directory.
 * @returns `<dir>/metrics.csv`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { metricsCsvPath } from "./layout.ts";
 * assert.equal(metricsCsvPath("out"), "out/metrics.csv");
 * ```
 */
export function metricsCsvPath(dir: string): string {
  return join(dir, METRICS_CSV);
}

/**
 * The path of a results directory's `summary.csv`.
 *
 * @param dir The results directory.
 * @returns `<dir>/summary.csv`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { summaryCsvPath } from "./layout.ts";
 * assert.equal(summaryCsvPath("out"), "out/summary.csv");
 * ```
 */
export function summaryCsvPath(dir: string): string {
  return join(dir, SUMMARY_CSV);
}

/**
 * The grids folder of a results directory, or of one cell in it.
 *
 * @param dir The results directory.
 * @param cellId A cell id, for that cell's folder.
 * @returns `<dir>/grids` or `<dir>/grids/<cell>`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gridsDir } from "./layout.ts";
 * assert.equal(gridsDir("out"), "out/grids");
 * assert.equal(gridsDir("out", "c"), "out/grids/c");
 * ```
 */
export function gridsDir(dir: string, cellId?: string): string {
  return cellId === undefined
    ? join(dir, GRIDS_DIR)
    : join(dir, GRIDS_DIR, cellId);
}

/**
 * The path of a cell's sample grid at one step.
 *
 * @param dir The results directory.
 * @param cellId The cell id.
 * @param step The G step of the evaluation.
 * @returns `<dir>/grids/<cell>/<step>.png`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gridPngPath } from "./layout.ts";
 * assert.equal(gridPngPath("out", "c", 6), "out/grids/c/6.png");
 * ```
 */
export function gridPngPath(dir: string, cellId: string, step: number): string {
  return join(dir, GRIDS_DIR, cellId, `${step}.png`);
}

/**
 * The path of a results directory's contact sheet.
 *
 * @param dir The results directory.
 * @returns `<dir>/grids/contact_sheet.png`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { contactSheetPath } from "./layout.ts";
 * assert.equal(contactSheetPath("out"), "out/grids/contact_sheet.png");
 * ```
 */
export function contactSheetPath(dir: string): string {
  return join(dir, GRIDS_DIR, CONTACT_SHEET_FILE);
}

/**
 * The checkpoints folder of a results directory.
 *
 * @param dir The results directory.
 * @returns `<dir>/checkpoints`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkpointsDir } from "./layout.ts";
 * assert.equal(checkpointsDir("out"), "out/checkpoints");
 * ```
 */
export function checkpointsDir(dir: string): string {
  return join(dir, CHECKPOINTS_DIR);
}

/**
 * The path of a cell's checkpoint.
 *
 * @param dir The results directory.
 * @param cellId The cell id.
 * @returns `<dir>/checkpoints/<cell>.ckpt`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkpointPath } from "./layout.ts";
 * assert.equal(checkpointPath("out", "c"), "out/checkpoints/c.ckpt");
 * ```
 */
export function checkpointPath(dir: string, cellId: string): string {
  return join(dir, CHECKPOINTS_DIR, `${cellId}.ckpt`);
}

/**
 * The folder of a parallel run's per-cell results directories, or the one
 * of a cell.
 *
 * @param dir The results directory.
 * @param cellId A cell id, for that cell's directory.
 * @returns `<dir>/jobs` or `<dir>/jobs/<cell>`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jobsDir } from "./layout.ts";
 * assert.equal(jobsDir("out"), "out/jobs");
 * assert.equal(jobsDir("out", "c"), "out/jobs/c");
 * ```
 */
export function jobsDir(dir: string, cellId?: string): string {
  return cellId === undefined
    ? join(dir, JOBS_DIR)
    : join(dir, JOBS_DIR, cellId);
}

/**
 * The path of a results directory's lock file.
 *
 * @param dir The results directory.
 * @returns `<dir>/run.lock`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lockPath } from "./layout.ts";
 * assert.equal(lockPath("out"), "out/run.lock");
 * ```
 */
export function lockPath(dir: string): string {
  return join(dir, LOCK_FILE);
}
