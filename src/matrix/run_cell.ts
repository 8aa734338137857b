/**
 * Runs one cell of a matrix: resumes it from its checkpoint (or starts it),
 * trains it, evaluates it at every interval (a `metrics.csv` row and a grid
 * PNG each time) and records how it ended in the manifest.
 *
 * @module
 */
import type { Cell } from "../spec/types.ts";
import type { BackendInfo } from "../backend/types.ts";
import type { Dataset } from "../data/types.ts";
import type { Evaluator } from "../metrics/evaluators/types.ts";
import type { EvaluationSuite, ModelsAtStep } from "../evaluation/suite.ts";
import { getLoss } from "../losses/registry.ts";
import { getVariant } from "../models/registry.ts";
import { trainCell } from "../train/trainer.ts";
import type { CellOutcome, EvaluationContext } from "../train/trainer.ts";
import type { ProgressReporter } from "../train/progress.ts";
import type { CellRecord, Manifest } from "../results/manifest.ts";
import { writeManifest } from "../results/manifest.ts";
import { CsvWriter } from "../results/csv.ts";
import { METRICS_COLUMN_NAMES } from "../results/columns.ts";
import { writePng } from "../results/png.ts";
import { gridPngPath, gridsDir } from "../results/layout.ts";
import { trainConfig } from "./cell_settings.ts";
import type { BestFid, Row } from "./cell_rows.ts";
import {
  divergedRow,
  evaluationRow,
  identityRow,
  summaryRow,
} from "./cell_rows.ts";
import type { MemorySnapshot } from "./memory.ts";
import { memorySnapshot } from "./memory.ts";
import { startCell } from "./resume.ts";

/** The outcome of one cell in this run. */
export interface CellSummary {
  /** Cell id. */
  id: string;
  /** `finished`, `diverged`, or `skipped` (already done in an earlier run). */
  status: "finished" | "diverged" | "skipped";
  /** Final row values by column name. */
  row: Row;
}

/** What {@linkcode runCell} needs. */
export interface CellRun {
  /** The cell. */
  cell: Cell;
  /** Its data set. */
  dataset: Dataset;
  /** The evaluation suite of its data set, evaluator and sizes. */
  suite: EvaluationSuite;
  /** The evaluator network of the suite. */
  evaluator: Evaluator;
  /** The backend it runs on. */
  backend: BackendInfo;
  /** The results directory. */
  outDir: string;
  /** The run's manifest (updated and written here). */
  manifest: Manifest;
  /** Progress output. */
  progress: ProgressReporter;
}

/** A cell's mutable state while it trains. */
interface CellState {
  best: BestFid;
  last: Row;
  wall: () => number;
}

/**
 * Runs one cell to its end (finished or diverged), resuming it from its
 * checkpoint when it has one; its checkpoint is removed when it ends.
 *
 * @param run The cell, its resources and the run's directory and manifest.
 * @returns The cell's summary.
 * @example
 * ```ts
 * import { type CellRun, runCell } from "./run_cell.ts";
 * declare const run: CellRun;
 * const { status } = await runCell(run);
 * ```
 */
export async function runCell(run: CellRun): Promise<CellSummary> {
  const { cell, outDir, manifest } = run;
  const { checkpoint, metricsPath, resume, memoryBefore, wallBefore } =
    await startCell(outDir, manifest, cell.id);

  const identity = identityRow(cell, run.backend, run.evaluator);
  const writer = CsvWriter.open(metricsPath, METRICS_COLUMN_NAMES);
  const wallStart = performance.now();
  const state: CellState = {
    best: resume.best,
    last: {},
    wall: () => wallBefore + (performance.now() - wallStart) / 1000,
  };
  try {
    const outcome = await trainCell({
      cellId: cell.id,
      dataset: run.dataset,
      variant: cell.variant,
      loss: cell.loss,
      config: trainConfig(cell),
      checkpointPath: cell.config.checkpointEvery > 0 ? checkpoint : undefined,
      progress: run.progress,
      onEvaluate: async (at) => {
        state.last = await evaluate(run, at, identity, state);
        writer.append(state.last);
        // Wall time survives a kill through the manifest (saved with the
        // next checkpoint or cell end).
        manifest.cells[cell.id] = {
          status: "running",
          step: at.step,
          wallSeconds: state.wall(),
        };
      },
    });
    if (outcome.status === "diverged") {
      const nCritic = cell.config.nCritic ?? getLoss(cell.loss).nCritic;
      state.last = divergedRow(
        identity,
        outcome,
        nCritic * cell.config.batchSize,
        run.dataset.train.count,
        state.wall(),
      );
      writer.append(state.last);
    }
    const summary = summaryRow(state.last, outcome, state.wall(), state.best);
    await finishCell(run, outcome, summary, state.wall(), memoryBefore);
    await Deno.remove(checkpoint).catch(() => {});
    return { id: cell.id, status: outcome.status, row: summary };
  } finally {
    writer.close();
  }
}

/**
 * Evaluates the models at one interval, writes the grid PNG, updates the
 * best FID and returns the `metrics.csv` row.
 */
async function evaluate(
  run: CellRun,
  at: EvaluationContext,
  identity: Row,
  state: CellState,
): Promise<Row> {
  const { cell, suite, outDir } = run;
  const conditional = getVariant(cell.variant).conditional;
  const metrics = await suite.evaluate({
    step: at.step,
    generator: at.generator,
    sampleGenerator: at.sampleGenerator,
    discriminator: at.discriminator,
    batchSize: cell.config.batchSize,
    trainShape: at.trainShape,
    conditional,
    loss: cell.loss as ModelsAtStep["loss"],
    dLoss: at.means.dLoss,
  });
  const grid = await suite.grid(at.sampleGenerator, conditional);
  await Deno.mkdir(gridsDir(outDir, cell.id), { recursive: true });
  await writePng(gridPngPath(outDir, cell.id, at.step), grid);
  if (metrics.fid < state.best.fid) {
    state.best = { fid: metrics.fid, step: at.step };
  }
  return evaluationRow(
    identity,
    at,
    metrics,
    run.dataset.train.count,
    state.wall(),
  );
}

/** Records the cell's end in the manifest and prints its final line. */
async function finishCell(
  run: CellRun,
  outcome: CellOutcome,
  summary: Row,
  wallSeconds: number,
  memoryBefore: MemorySnapshot,
): Promise<void> {
  const { cell, backend, manifest } = run;
  const memoryAfter = memorySnapshot();
  const record: CellRecord = {
    status: outcome.status,
    step: outcome.step,
    divergence: outcome.divergence,
    resumedFrom: outcome.resumedFrom,
    wallSeconds,
    trainSeconds: outcome.trainSeconds,
    trainImagesPerSecond: outcome.imagesPerSecond,
    backend: backend.backend,
    device: backend.device,
    model: outcome.modelConfig,
    config: cell.config,
    summary,
    memory: { before: memoryBefore, after: memoryAfter },
  };
  manifest.cells[cell.id] = record;
  await writeManifest(run.outDir, manifest);
  run.progress.finish(
    `${cell.id}: ${outcome.status} at step ${outcome.step}` +
      (typeof summary.fid === "number"
        ? `, fid ${summary.fid.toFixed(2)}`
        : "") +
      (outcome.divergence ? ` (${outcome.divergence})` : "") +
      `; RSS ${memoryBefore.rssMiB}→${memoryAfter.rssMiB} MiB`,
  );
}
