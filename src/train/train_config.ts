/**
 * The training budget and schedule of a cell ({@linkcode TrainConfig}), its
 * validation, and the schedule of evaluations and checkpoints it implies.
 *
 * @module
 */
import type { CriticNorm } from "../models/types.ts";
import type { OptimizerSpec } from "../losses/optimizers.ts";

/** The training budget and schedule of a cell. */
export interface TrainConfig {
  /** Generator steps (each preceded by n_critic D steps). */
  steps: number;
  /** Images per batch. */
  batchSize: number;
  /** Evaluate every this many G steps (and at the last step). */
  evalEvery: number;
  /** Checkpoint every this many G steps; a multiple of `evalEvery`; 0 = never. */
  checkpointEvery: number;
  /** Seed of weights, noise and batch order. */
  seed: number;
  /** D steps per G step; absent = the loss's default. */
  nCritic?: number;
  /** Gradient-penalty weight; absent = the loss's default. */
  gradientPenalty?: number;
  /** Weight-clipping bound; absent = the loss's default. */
  clip?: number;
  /** D normalisation; absent = the variant's default (LayerNorm for a penalised critic). */
  criticNorm?: CriticNorm;
  /** Scales every hidden width (default 1; small values make tiny test models). */
  widthMultiplier?: number;
  /** D optimizer settings that replace the loss's defaults. */
  dOptimizer?: Partial<OptimizerSpec>;
  /** G optimizer settings that replace the loss's defaults. */
  gOptimizer?: Partial<OptimizerSpec>;
  /**
   * Decay of an exponential moving average of G's weights that evaluation
   * samples from (see `ema.ts`); absent or 0 = evaluate the raw G.
   */
  gEma?: number;
}

/**
 * Checks the budget and schedule of a cell.
 *
 * @param cellId The cell, named in the error.
 * @param config The configuration to check.
 * @throws Error naming the cell and the field when a value is out of range.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { validateTrainConfig } from "./train_config.ts";
 * validateTrainConfig("c", { steps: 10, batchSize: 4, evalEvery: 5, checkpointEvery: 0, seed: 0 });
 * assert.throws(
 *   () => validateTrainConfig("c", { steps: 10, batchSize: 4, evalEvery: 5, checkpointEvery: 3, seed: 0 }),
 *   /cell c: checkpointEvery \(3\) must be 0 or a multiple of evalEvery \(5\)/,
 * );
 * ```
 */
export function validateTrainConfig(cellId: string, config: TrainConfig): void {
  const positive = ["steps", "batchSize", "evalEvery"] as const;
  for (const key of positive) {
    if (!Number.isInteger(config[key]) || config[key] < 1) {
      throw new Error(
        `cell ${cellId}: ${key} must be a positive integer, got ${config[key]}`,
      );
    }
  }
  if (
    !Number.isInteger(config.checkpointEvery) || config.checkpointEvery < 0 ||
    config.checkpointEvery % config.evalEvery !== 0
  ) {
    throw new Error(
      `cell ${cellId}: checkpointEvery (${config.checkpointEvery}) must be 0 or a multiple of evalEvery (${config.evalEvery})`,
    );
  }
  if (
    config.gEma !== undefined && !(config.gEma >= 0 && config.gEma < 1)
  ) {
    throw new Error(
      `cell ${cellId}: gEma must be 0 (off) or a decay in (0, 1), got ${config.gEma}`,
    );
  }
}

/**
 * Whether the cell evaluates after G step `step`: every `evalEvery` steps
 * and at the last step.
 *
 * @param config The cell's schedule.
 * @param step The completed G steps.
 * @returns True at an evaluation step.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isEvaluationStep } from "./train_config.ts";
 * const config = { steps: 25, batchSize: 4, evalEvery: 10, checkpointEvery: 0, seed: 0 };
 * assert.equal(isEvaluationStep(config, 20), true);
 * assert.equal(isEvaluationStep(config, 25), true); // the last step
 * assert.equal(isEvaluationStep(config, 24), false);
 * ```
 */
export function isEvaluationStep(config: TrainConfig, step: number): boolean {
  return step % config.evalEvery === 0 || step === config.steps;
}

/**
 * Whether the cell writes a checkpoint after (evaluating at) G step `step`:
 * every `checkpointEvery` steps, never after the last step (the cell is then
 * done) and never when `checkpointEvery` is 0.
 *
 * @param config The cell's schedule.
 * @param step The completed G steps.
 * @returns True at a checkpoint step.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isCheckpointStep } from "./train_config.ts";
 * const config = { steps: 40, batchSize: 4, evalEvery: 10, checkpointEvery: 20, seed: 0 };
 * assert.equal(isCheckpointStep(config, 20), true);
 * assert.equal(isCheckpointStep(config, 40), false); // the cell is done
 * ```
 */
export function isCheckpointStep(config: TrainConfig, step: number): boolean {
  return config.checkpointEvery > 0 &&
    step % config.checkpointEvery === 0 && step < config.steps;
}

/**
 * The seed of one phase of one step: D step k (0 … n_critic−1) or the G step
 * (k = n_critic). A pure function, so a resumed cell draws the same noise.
 *
 * @param seed The cell's seed.
 * @param step The G step (0-based).
 * @param phase The phase within the step.
 * @returns A 31-bit integer seed.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stepSeed } from "./train_config.ts";
 * assert.equal(stepSeed(1, 0, 0), stepSeed(1, 0, 0)); // a pure function
 * assert.notEqual(stepSeed(1, 0, 0), stepSeed(1, 0, 1));
 * ```
 */
export function stepSeed(seed: number, step: number, phase: number): number {
  let h = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ step) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = (h ^ Math.imul(phase + 1, 0xc2b2ae35)) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) & 0x7fffffff;
}
