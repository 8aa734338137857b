/**
 * The training budget and schedule of a cell ({@linkcode TrainConfig}), its
 * validation, and the schedule of evaluations and checkpoints it implies.
 *
 * @module
 */
import type { CriticNorm } from "../models/types.ts";
import type { OptimizerSpec } from "../losses/optimizers.ts";

/**
 * What a spec's `steps`, `evalEvery` and `checkpointEvery` count:
 * `d-steps` (discriminator steps, as compare_gan counts; the default),
 * `g-steps` (generator steps, each preceded by n_critic D steps) or
 * `d-images` (real images D has seen: D steps × batch size).
 */
export type BudgetUnit = "d-steps" | "g-steps" | "d-images";

/** The budget units, the default first. */
export const BUDGET_UNITS: readonly BudgetUnit[] = [
  "d-steps",
  "g-steps",
  "d-images",
];

/** The counts of a cell's budget, in its {@linkcode BudgetUnit} or in G steps. */
export interface BudgetCounts {
  /** The whole budget. */
  steps: number;
  /** Between evaluations. */
  evalEvery: number;
  /** Between checkpoints; 0 = never. */
  checkpointEvery: number;
}

/** What {@linkcode budgetProblems} and {@linkcode gStepCounts} convert. */
export interface BudgetSettings extends BudgetCounts {
  /** The unit of the counts. */
  budget: BudgetUnit;
  /** Images per batch. */
  batchSize: number;
}

/**
 * How many budget units one G step is: 1 G step, n_critic D steps, or
 * n_critic × batch size real images.
 *
 * @param budget The unit.
 * @param nCritic D steps per G step (the loss's, after overrides).
 * @param batchSize Images per batch.
 * @returns The units per G step (≥ 1).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { unitsPerGStep } from "./train_config.ts";
 * assert.equal(unitsPerGStep("g-steps", 5, 64), 1);
 * assert.equal(unitsPerGStep("d-steps", 5, 64), 5);
 * assert.equal(unitsPerGStep("d-images", 5, 64), 320);
 * ```
 */
export function unitsPerGStep(
  budget: BudgetUnit,
  nCritic: number,
  batchSize: number,
): number {
  switch (budget) {
    case "g-steps":
      return 1;
    case "d-steps":
      return nCritic;
    case "d-images":
      return nCritic * batchSize;
  }
}

/**
 * The counts of a budget that are not a whole number of G steps, one line
 * each (no cell id), e.g. `steps 1000 (d-steps) is not a multiple of nCritic 3`.
 *
 * @param settings The counts, their unit and the batch size.
 * @param nCritic D steps per G step.
 * @returns The problems; empty when every count converts exactly.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { budgetProblems } from "./train_config.ts";
 * const settings = { budget: "d-steps" as const, batchSize: 64, steps: 1000, evalEvery: 500, checkpointEvery: 0 };
 * assert.deepEqual(budgetProblems(settings, 5), []);
 * assert.deepEqual(budgetProblems(settings, 3), [
 *   "steps 1000 (d-steps) is not a multiple of nCritic 3",
 *   "evalEvery 500 (d-steps) is not a multiple of nCritic 3",
 * ]);
 * ```
 */
export function budgetProblems(
  settings: BudgetSettings,
  nCritic: number,
): string[] {
  const { budget, batchSize } = settings;
  const per = unitsPerGStep(budget, nCritic, batchSize);
  const of = budget === "d-images"
    ? `nCritic × batchSize ${nCritic} × ${batchSize} = ${per}`
    : `nCritic ${nCritic}`;
  const out: string[] = [];
  for (const key of ["steps", "evalEvery", "checkpointEvery"] as const) {
    if (settings[key] % per !== 0) {
      out.push(
        `${key} ${settings[key]} (${budget}) is not a multiple of ${of}`,
      );
    }
  }
  return out;
}

/**
 * Converts a cell's budget to G steps, the unit of {@linkcode TrainConfig}
 * (the one place where the budget unit is resolved).
 *
 * @param cellId The cell, named in the error.
 * @param settings The counts, their unit and the batch size.
 * @param nCritic D steps per G step (the loss's, after overrides).
 * @returns The counts in G steps.
 * @throws Error `<cell>: steps 1000 (d-steps) is not a multiple of nCritic 3`
 *   (every inexact count, `; `-separated) when a count is not a whole number
 *   of G steps.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gStepCounts } from "./train_config.ts";
 * const settings = { budget: "d-steps" as const, batchSize: 64, steps: 1000, evalEvery: 500, checkpointEvery: 500 };
 * assert.deepEqual(gStepCounts("c", settings, 5), { steps: 200, evalEvery: 100, checkpointEvery: 100 });
 * assert.throws(() => gStepCounts("c", settings, 3), /^Error: c: steps 1000 \(d-steps\) is not a multiple of nCritic 3;/);
 * ```
 */
export function gStepCounts(
  cellId: string,
  settings: BudgetSettings,
  nCritic: number,
): BudgetCounts {
  const problems = budgetProblems(settings, nCritic);
  if (problems.length > 0) {
    throw new Error(`${cellId}: ${problems.join("; ")}`);
  }
  const per = unitsPerGStep(settings.budget, nCritic, settings.batchSize);
  return {
    steps: settings.steps / per,
    evalEvery: settings.evalEvery / per,
    checkpointEvery: settings.checkpointEvery / per,
  };
}

/**
 * The training budget and schedule of a cell, in G steps (a spec's budget
 * unit is converted by {@linkcode gStepCounts} before it gets here).
 */
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
