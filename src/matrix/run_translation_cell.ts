/**
 * Runs one translation cell of a matrix (a cell with `translation`
 * settings): resumes it from its checkpoint (or starts it), trains it with
 * `trainTranslationCell`, writes a `metrics.csv` row and an input | output |
 * target grid at every evaluation, and records how it ended in the
 * manifest, as `run_cell.ts` does for the zoo.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Cell } from "../spec/types.ts";
import type { BackendInfo } from "../backend/types.ts";
import type { PairedDataset } from "../data/pairs/types.ts";
import type { Evaluator } from "../metrics/evaluators/types.ts";
import type { TranslationObjective } from "../train/translation_step.ts";
import {
  trainTranslationCell,
  type TranslationEvaluationContext,
  type TranslationOutcome,
} from "../train/translation_trainer.ts";
import type { ProgressReporter } from "../train/progress.ts";
import type { Manifest } from "../results/manifest.ts";
import { writeManifest } from "../results/manifest.ts";
import { CsvWriter } from "../results/csv.ts";
import { METRICS_COLUMN_NAMES } from "../results/columns.ts";
import { tripletGrid } from "../results/grid.ts";
import { writePng } from "../results/png.ts";
import { gridPngPath, gridsDir } from "../results/layout.ts";
import { TranslationEvaluation } from "../evaluation/translation_metrics.ts";
import type { BestFid, Row } from "./cell_rows.ts";
import { identityRow } from "./cell_rows.ts";
import { memorySnapshot } from "./memory.ts";
import { startCell } from "./resume.ts";
import type { CellSummary } from "./run_cell.ts";

/** What {@linkcode runTranslationCell} needs. */
export interface TranslationCellRun {
  /** The cell (with `translation` settings). */
  cell: Cell;
  /** Its task's pairs. */
  pairs: PairedDataset;
  /** The source data set's evaluator. */
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

/**
 * Runs one translation cell to its end, resuming it from its checkpoint
 * when it has one; the checkpoint is removed when it ends.
 *
 * @param run The cell, its pairs, evaluator and the run's directory.
 * @returns The cell's summary.
 * @throws Error when the cell has no translation settings.
 * @example
 * ```ts ignore
 * const { status } = await runTranslationCell(run);
 * ```
 */
export async function runTranslationCell(
  run: TranslationCellRun,
): Promise<CellSummary> {
  const { cell, outDir, manifest } = run;
  const c = cell.translation;
  if (!c) throw new Error(`${cell.id}: not a translation cell`);
  const { checkpoint, metricsPath, resume, memoryBefore, wallBefore } =
    await startCell(outDir, manifest, cell.id);
  const identity = identityRow(cell, run.backend, run.evaluator);
  const evaluation = await TranslationEvaluation.prepare(
    run.pairs,
    run.evaluator,
    c.nEval,
  );
  const writer = CsvWriter.open(metricsPath, METRICS_COLUMN_NAMES);
  const wallStart = performance.now();
  const wall = () => wallBefore + (performance.now() - wallStart) / 1000;
  let best: BestFid = resume.best;
  let last: Row = {};
  const hasD = cell.loss !== "l1";
  try {
    const outcome = await trainTranslationCell({
      cellId: cell.id,
      pairs: run.pairs,
      objective: cell.loss as TranslationObjective,
      config: { ...c, seed: cell.seed },
      checkpointPath: c.checkpointEvery > 0 ? checkpoint : undefined,
      progress: run.progress,
      onEvaluate: async (at) => {
        const metrics = await evaluate(run, evaluation, at);
        if (typeof metrics.fid === "number" && metrics.fid < best.fid) {
          best = { fid: metrics.fid, step: at.step };
        }
        last = {
          ...identity,
          step: at.step,
          epoch: at.imagesSeen / run.pairs.train.count,
          images_seen: at.imagesSeen,
          d_steps: hasD ? at.step : 0,
          wall_s: wall(),
          images_per_s: at.imagesPerSecond,
          ...metrics,
          d_loss: at.means.dLoss,
          g_loss: at.means.gLoss,
          status: "ok",
        };
        writer.append(last);
        manifest.cells[cell.id] = {
          status: "running",
          step: at.step,
          wallSeconds: wall(),
        };
      },
    });
    if (outcome.status === "diverged") {
      last = {
        ...identity,
        step: outcome.step,
        epoch: (outcome.step * c.batchSize) / run.pairs.train.count,
        images_seen: outcome.step * c.batchSize,
        d_steps: hasD ? outcome.step : 0,
        wall_s: wall(),
        images_per_s: outcome.imagesPerSecond,
        status: "diverged",
      };
      writer.append(last);
    }
    const summary: Row = {
      ...last,
      status: outcome.status,
      train_images_per_s: outcome.imagesPerSecond,
      wall_s: wall(),
      best_fid: Number.isFinite(best.fid) ? best.fid : null,
      best_fid_step: Number.isFinite(best.fid) ? best.step : null,
    };
    await finish(run, outcome, summary, wall(), memoryBefore);
    await Deno.remove(checkpoint).catch(() => {});
    return { id: cell.id, status: outcome.status, row: summary };
  } finally {
    writer.close();
    evaluation.dispose();
  }
}

/** Scores one evaluation and writes its triplet grid. */
async function evaluate(
  run: TranslationCellRun,
  evaluation: TranslationEvaluation,
  at: TranslationEvaluationContext,
): Promise<Row> {
  const { cell, outDir } = run;
  const outputs = evaluation.outputs(at.generator, cell.seed);
  try {
    const row = await evaluation.score(outputs, at.discriminator, cell.loss);
    const { batch } = evaluation;
    const rows = Math.min(cell.translation?.gridSize ?? 8, batch.count);
    const [, h, w, cOut] = outputs.shape;
    const shown = tf.tidy(() =>
      tf.slice(outputs, [0, 0, 0, 0], [rows, h, w, cOut])
    );
    const values = (await shown.data()) as Float32Array;
    shown.dispose();
    const inSize = h * w * batch.inputShape.channels;
    const outSize = h * w * cOut;
    const grid = tripletGrid(
      batch.input.subarray(0, rows * inSize),
      values,
      batch.target.subarray(0, rows * outSize),
      rows,
      batch.inputShape,
      batch.targetShape,
    );
    await Deno.mkdir(gridsDir(outDir, cell.id), { recursive: true });
    await writePng(gridPngPath(outDir, cell.id, at.step), grid);
    return row;
  } finally {
    outputs.dispose();
  }
}

/** Records the cell's end in the manifest and prints its final line. */
async function finish(
  run: TranslationCellRun,
  outcome: TranslationOutcome,
  summary: Row,
  wallSeconds: number,
  memoryBefore: ReturnType<typeof memorySnapshot>,
): Promise<void> {
  const { cell, backend, manifest } = run;
  const memoryAfter = memorySnapshot();
  manifest.cells[cell.id] = {
    status: outcome.status,
    step: outcome.step,
    divergence: outcome.divergence,
    resumedFrom: outcome.resumedFrom,
    wallSeconds,
    trainSeconds: outcome.trainSeconds,
    trainImagesPerSecond: outcome.imagesPerSecond,
    backend: backend.backend,
    device: backend.device,
    model: outcome.models,
    config: cell.translation,
    summary,
    memory: { before: memoryBefore, after: memoryAfter },
  };
  await writeManifest(run.outDir, manifest);
  const psnr = summary.psnr;
  run.progress.finish(
    `${cell.id}: ${outcome.status} at step ${outcome.step}` +
      (typeof psnr === "number"
        ? `, psnr ${psnr.toFixed(2)} dB (trivial ${
          Number(summary.psnr_trivial).toFixed(2)
        })`
        : "") +
      (outcome.divergence ? ` (${outcome.divergence})` : "") +
      `; RSS ${memoryBefore.rssMiB}→${memoryAfter.rssMiB} MiB`,
  );
}
