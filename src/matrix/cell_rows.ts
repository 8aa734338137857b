/**
 * The rows a cell writes: its identity columns (repeated on every row), a
 * `metrics.csv` row per evaluation, the row of a diverged cell (losses
 * only), its `summary.csv` row, and `summary.csv` itself from the manifest.
 *
 * @module
 */
import type { Cell, MatrixSpec } from "../spec/types.ts";
import type { BackendInfo } from "../backend/types.ts";
import type { Evaluator } from "../metrics/evaluators/types.ts";
import type { EvaluationContext } from "../train/trainer.ts";
import type { CellOutcome } from "../train/trainer.ts";
import type { IntervalMetrics } from "../evaluation/suite.ts";
import type { Manifest } from "../results/manifest.ts";
import type { CsvValue } from "../results/csv.ts";
import { writeCsvFile } from "../results/csv.ts";
import { SUMMARY_COLUMN_NAMES } from "../results/columns.ts";
import { METRIC_NAMES } from "../results/metric_columns.ts";
import { summaryCsvPath } from "../results/layout.ts";
import { expandSpec } from "../spec/expand.ts";

/** One row by column name. */
export type Row = Record<string, CsvValue>;

/** The best FID of a cell so far and the step it was reached at. */
export interface BestFid {
  /** The FID (Infinity before any evaluation). */
  fid: number;
  /** Its G step. */
  step: number;
}

/**
 * The columns that say which cell a row is of and where it ran.
 *
 * @param cell The cell.
 * @param backend The backend it runs on.
 * @param evaluator The evaluator of its metrics.
 * @returns `cell`, `dataset`, `variant`, `loss`, `seed`, `budget_unit`,
 *   `backend`, `device`, `evaluator`, `evaluator_md5`, `n_eval`.
 * @example
 * ```ts
 * import type { Cell } from "../spec/types.ts";
 * import type { BackendInfo } from "../backend/types.ts";
 * import type { Evaluator } from "../metrics/evaluators/types.ts";
 * import { identityRow } from "./cell_rows.ts";
 * declare const cell: Cell, backend: BackendInfo, evaluator: Evaluator;
 * console.log(identityRow(cell, backend, evaluator).cell);
 * ```
 */
export function identityRow(
  cell: Cell,
  backend: BackendInfo,
  evaluator: Evaluator,
): Row {
  return {
    cell: cell.id,
    dataset: cell.dataset,
    variant: cell.variant,
    loss: cell.loss,
    seed: cell.seed,
    budget_unit: cell.config.budget,
    backend: backend.backend,
    device: backend.device,
    evaluator: evaluator.id,
    evaluator_md5: evaluator.checksum,
    n_eval: cell.config.nEval,
  };
}

/**
 * The `metrics.csv` row of one evaluation.
 *
 * @param identity The cell's {@linkcode identityRow}.
 * @param at What the trainer reported at this evaluation.
 * @param metrics The evaluation suite's metrics.
 * @param trainCount Images in the data set's train split (for `epoch`).
 * @param wallSeconds Wall time of the cell so far (across resumes).
 * @returns The row, `status` `ok`.
 */
export function evaluationRow(
  identity: Row,
  at: EvaluationContext,
  metrics: IntervalMetrics,
  trainCount: number,
  wallSeconds: number,
): Row {
  return {
    ...identity,
    step: at.step,
    epoch: at.imagesSeen / trainCount,
    images_seen: at.imagesSeen,
    d_steps: at.dSteps,
    wall_s: wallSeconds,
    images_per_s: at.imagesPerSecond,
    ...metrics,
    d_loss: at.means.dLoss,
    g_loss: at.means.gLoss,
    grad_norm_d: at.means.gradNormD,
    grad_norm_g: at.means.gradNormG,
    status: "ok",
  };
}

/**
 * The `metrics.csv` row of a cell that diverged: its step and throughput,
 * every metric empty.
 *
 * @param identity The cell's {@linkcode identityRow}.
 * @param outcome How the cell ended (diverged).
 * @param imagesPerStep Real images per G step (n_critic × batch size).
 * @param trainCount Images in the data set's train split (for `epoch`).
 * @param wallSeconds Wall time of the cell (across resumes).
 * @returns The row, `status` `diverged`.
 */
export function divergedRow(
  identity: Row,
  outcome: CellOutcome,
  imagesPerStep: number,
  trainCount: number,
  wallSeconds: number,
): Row {
  const metricsEmpty = Object.fromEntries(METRIC_NAMES.map((m) => [m, null]));
  return {
    ...identity,
    ...metricsEmpty,
    step: outcome.step,
    epoch: (outcome.step * imagesPerStep) / trainCount,
    images_seen: outcome.step * imagesPerStep,
    d_steps: outcome.dSteps,
    wall_s: wallSeconds,
    images_per_s: outcome.imagesPerSecond,
    status: "diverged",
  };
}

/**
 * The `summary.csv` row of a cell: its last metrics row, with the outcome,
 * the training throughput, the total wall time and the best FID.
 *
 * @param last The cell's last `metrics.csv` row (empty when none).
 * @param outcome How the cell ended.
 * @param wallSeconds Wall time of the cell (across resumes).
 * @param best The best FID and its step (Infinity when never evaluated).
 * @returns The row.
 * @example
 * ```ts
 * import type { CellOutcome } from "../train/trainer.ts";
 * import { summaryRow } from "./cell_rows.ts";
 * declare const outcome: CellOutcome;
 * const row = summaryRow({}, outcome, 12, { fid: Infinity, step: 0 });
 * console.log(row.best_fid); // null
 * ```
 */
export function summaryRow(
  last: Row,
  outcome: CellOutcome,
  wallSeconds: number,
  best: BestFid,
): Row {
  return {
    ...last,
    status: outcome.status,
    train_images_per_s: outcome.imagesPerSecond,
    wall_s: wallSeconds,
    best_fid: Number.isFinite(best.fid) ? best.fid : null,
    best_fid_step: Number.isFinite(best.fid) ? best.step : null,
  };
}

/**
 * Writes `summary.csv` from the manifest: a row per ended cell, in the
 * spec's cell order (cells of other shards and unfinished cells stay out).
 *
 * @param outDir The results directory.
 * @param manifest Its manifest.
 * @param spec The run's spec.
 */
export function writeSummaryCsv(
  outDir: string,
  manifest: Manifest,
  spec: MatrixSpec,
): void {
  const rows: CsvValue[][] = [];
  for (const cell of expandSpec(spec)) {
    const record = manifest.cells[cell.id];
    if (!record || record.status === "running" || !record.summary) continue;
    const summary = record.summary as Row;
    rows.push(SUMMARY_COLUMN_NAMES.map((name) => summary[name] ?? null));
  }
  writeCsvFile(summaryCsvPath(outDir), SUMMARY_COLUMN_NAMES, rows);
}
