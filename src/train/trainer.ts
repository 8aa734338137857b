/**
 * The training loop of one cell: n_critic D steps per G step with fresh
 * noise each step, periodic evaluation through a callback, atomic
 * checkpoints, resume, and divergence detection.
 *
 * Losses stay on the device as scalars and are read asynchronously in small
 * batches (every {@linkcode READ_EVERY} steps and at each evaluation), so a
 * GPU backend is never stalled by a per-step synchronous read.
 *
 * The parts live next to it: `train_config.ts` (the budget and schedule),
 * `cell_setup.ts` (models, optimizers, sampler), `train_state.ts` (what a
 * checkpoint saves and restores) and `loss_meter.ts` (loss reads, interval
 * means, divergence).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type {
  Discriminator,
  Generator,
  ImageShape,
  ModelConfig,
} from "../models/types.ts";
import type { ProgressReporter } from "./progress.ts";
import { realBatch } from "./real_batch.ts";
import { buildCell, type CellSpec, disposeCell } from "./cell_setup.ts";
import type { TrainingCell } from "./cell_setup.ts";
import { type IntervalMeans, LossMeter } from "./loss_meter.ts";
import {
  isCheckpointStep,
  isEvaluationStep,
  stepSeed,
  validateTrainConfig,
} from "./train_config.ts";
import { restoreTrainState, saveTrainState } from "./train_state.ts";

export type { TrainConfig } from "./train_config.ts";
export { stepSeed } from "./train_config.ts";
export type { IntervalMeans } from "./loss_meter.ts";

/** Steps between the asynchronous reads of the loss scalars. */
export const READ_EVERY = 25;

/** What the evaluation callback receives. */
export interface EvaluationContext {
  /** Completed G steps. */
  step: number;
  /** The generator (use it in inference mode; do not dispose). */
  generator: Generator;
  /**
   * The generator to draw evaluation samples from: the weight average when
   * `gEma` is set, else `generator` (inference mode; do not dispose).
   */
  sampleGenerator: Generator;
  /** The discriminator (use it in inference mode; do not dispose). */
  discriminator: Discriminator;
  /** The image shape the models work at (may be the padded shape). */
  trainShape: ImageShape;
  /** Loss and gradient-norm means since the last evaluation. */
  means: IntervalMeans;
  /** D steps completed so far (G steps × n_critic). */
  dSteps: number;
  /** Real images consumed so far (D steps × batch). */
  imagesSeen: number;
  /** Training seconds so far (across resumes; evaluation time excluded). */
  trainSeconds: number;
  /** Training images per second (D and G images) since the cell started. */
  imagesPerSecond: number;
}

/** Options of {@linkcode trainCell}. */
export interface TrainCellOptions extends CellSpec {
  /** Checkpoint file to resume from and write to (none: no checkpoints). */
  checkpointPath?: string;
  /** Called at every evaluation step, after training up to it. */
  onEvaluate?: (context: EvaluationContext) => Promise<void>;
  /** Live progress lines. */
  progress?: ProgressReporter;
}

/** How a cell ended. */
export interface CellOutcome {
  /** `finished`, or `diverged` when a loss became NaN or ±Inf. */
  status: "finished" | "diverged";
  /** The last completed G step (the step that diverged, when diverged). */
  step: number;
  /** D steps completed by `step` (`step` × n_critic). */
  dSteps: number;
  /** The G step the cell resumed from (0 when it started fresh). */
  resumedFrom: number;
  /** What was non-finite, when diverged. */
  divergence?: string;
  /** The architecture actually built (including substitutions). */
  modelConfig: ModelConfig;
  /** Training seconds (across resumes). */
  trainSeconds: number;
  /** Training images per second (D and G images). */
  imagesPerSecond: number;
}

/**
 * Trains one cell from scratch or from its checkpoint.
 *
 * @param options The cell, its data and the callbacks.
 * @returns How the cell ended. Models and optimizers are disposed.
 * @example
 * ```ts
 * import { loadSynthetic } from "../data/synthetic.ts";
 * import { trainCell } from "./trainer.ts";
 * const dataset = loadSynthetic({ trainCount: 64, testCount: 16 });
 * const outcome = await trainCell({
 *   cellId: "synthetic-mlp-ns-s0", dataset, variant: "mlp", loss: "ns",
 *   config: { steps: 20, batchSize: 16, evalEvery: 10, checkpointEvery: 0, seed: 0 },
 * });
 * outcome.status; // "finished"
 * ```
 */
export async function trainCell(
  options: TrainCellOptions,
): Promise<CellOutcome> {
  validateTrainConfig(options.cellId, options.config);
  const cell = buildCell(options);
  try {
    const restored = options.checkpointPath
      ? await restoreTrainState(options.checkpointPath, cell.state)
      : null;
    const startStep = restored?.step ?? 0;
    // The batch order is a pure function of (seed, batches drawn).
    if (restored) cell.sampler.seek(startStep * cell.loss.nCritic);
    return await trainSteps(options, cell, startStep, restored?.trainSeconds);
  } finally {
    disposeCell(cell);
  }
}

/** Training seconds across resumes, with evaluation time left out. */
class TrainClock {
  readonly before: number;
  #started = performance.now();
  #excluded = 0;

  constructor(before: number) {
    this.before = before;
  }

  /** Training seconds so far, including those before the resume. */
  seconds(): number {
    return this.before + (performance.now() - this.#started) / 1000 -
      this.#excluded;
  }

  /** Leaves the time since `start` (a `performance.now()`) out. */
  exclude(start: number): void {
    this.#excluded += (performance.now() - start) / 1000;
  }
}

/** What the loop of one cell shares between its helpers. */
interface LoopState {
  options: TrainCellOptions;
  cell: TrainingCell;
  meter: LossMeter;
  clock: TrainClock;
  startStep: number;
  /** Images D and G see per G step. */
  imagesPerStep: number;
}

/** Trains from `startStep` to the end of the budget or the divergence. */
async function trainSteps(
  options: TrainCellOptions,
  cell: TrainingCell,
  startStep: number,
  secondsBefore = 0,
): Promise<CellOutcome> {
  const { config } = options;
  const loop: LoopState = {
    options,
    cell,
    meter: new LossMeter(),
    clock: new TrainClock(secondsBefore),
    startStep,
    imagesPerStep: config.batchSize * (cell.loss.nCritic + 1),
  };
  const { meter } = loop;
  let current = startStep;
  while (current < config.steps && !meter.divergence) {
    trainStep(options, cell, meter, current);
    current++;
    const evaluate = isEvaluationStep(config, current);
    if (evaluate || meter.queued >= READ_EVERY) {
      await meter.drain();
      reportProgress(loop, current);
    }
    if (meter.divergence) break;
    if (evaluate) await evaluateAt(loop, current);
  }
  await meter.drain();
  const elapsed = loop.clock.seconds();
  const done = meter.divergence ? meter.divergence.step : current;
  return {
    status: meter.divergence ? "diverged" : "finished",
    step: done,
    dSteps: done * cell.loss.nCritic,
    resumedFrom: startStep,
    divergence: meter.divergence?.what,
    modelConfig: cell.modelConfig,
    trainSeconds: elapsed,
    imagesPerSecond: (done * loop.imagesPerStep) / Math.max(1e-9, elapsed),
  };
}

/** G step `step` (0-based): n_critic D steps on real batches, then G. */
function trainStep(
  options: TrainCellOptions,
  cell: TrainingCell,
  meter: LossMeter,
  step: number,
): void {
  const { dataset, config } = options;
  const nCritic = cell.loss.nCritic;
  const dLosses: tf.Scalar[] = [];
  const dNorms: tf.Scalar[] = [];
  for (let k = 0; k < nCritic; k++) {
    const indices = cell.sampler.next();
    const { images, labels } = realBatch(
      dataset,
      cell.shape,
      indices,
      cell.conditional,
    );
    const result = cell.step.dStep(
      images,
      labels,
      stepSeed(config.seed, step, k),
    );
    tf.dispose([images, labels ?? []]);
    dLosses.push(result.loss);
    dNorms.push(result.gradNorm);
  }
  const g = cell.step.gStep(stepSeed(config.seed, step, nCritic));
  cell.state.ema?.update(step + 1);
  meter.push(step + 1, dLosses, dNorms, [g.loss, g.gradNorm]);
}

/** Sends a progress line after the losses up to `current` were read. */
function reportProgress(loop: LoopState, current: number): void {
  const { options, startStep } = loop;
  const elapsed = loop.clock.seconds();
  const seconds = Math.max(1e-9, elapsed - loop.clock.before);
  options.progress?.update({
    cell: options.cellId,
    step: current,
    total: options.config.steps,
    imagesPerSecond: ((current - startStep) * loop.imagesPerStep) / seconds,
    stepsPerSecond: (current - startStep) / seconds,
    ...loop.meter.lastMeans,
  });
}

/**
 * Evaluates at step `current` (through the callback), starts a new interval
 * and writes the checkpoint when one is due; the time is not training time.
 */
async function evaluateAt(loop: LoopState, current: number): Promise<void> {
  const { options, cell, meter, clock } = loop;
  const { config, dataset } = options;
  const { generator, discriminator, ema } = cell.state;
  const evalStart = performance.now();
  const elapsed = clock.seconds();
  ema?.refreshStatistics(cell.conditional ? dataset.numClasses : 0);
  if (options.onEvaluate) {
    await options.onEvaluate({
      step: current,
      generator,
      sampleGenerator: ema?.generator ?? generator,
      discriminator,
      trainShape: cell.shape,
      means: meter.intervalMeans(),
      dSteps: current * cell.loss.nCritic,
      imagesSeen: current * cell.loss.nCritic * config.batchSize,
      trainSeconds: elapsed,
      imagesPerSecond: (current * loop.imagesPerStep) /
        Math.max(1e-9, elapsed),
    });
  }
  meter.resetInterval();
  if (options.checkpointPath && isCheckpointStep(config, current)) {
    await saveTrainState(options.checkpointPath, current, elapsed, cell.state);
  }
  clock.exclude(evalStart);
}
