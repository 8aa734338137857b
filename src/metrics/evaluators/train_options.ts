/**
 * The options of evaluator training and how they resolve: what the caller
 * gave, else the data set's recipe ({@linkcode EVALUATOR_RECIPES}); checked
 * before any data is loaded.
 *
 * @module
 */
import type { DatasetId } from "../../data/registry.ts";
import type { LoadOptions } from "../../data/types.ts";
import { architectureByName, type ArchitectureSpec } from "./architecture.ts";
import {
  defaultArchitecture,
  EVALUATOR_RECIPES,
  type EvaluatorOptimizer,
  OPTIMIZER_LEARNING_RATE,
} from "./recipe.ts";
import type { Augmentation } from "./types.ts";

/** Options of `trainEvaluator`. */
export interface TrainEvaluatorOptions {
  /** The data set to train on. */
  dataset: DatasetId;
  /** Passes over the training images (default: the data set's recipe). */
  epochs?: number;
  /** Images per step (default: the recipe's, 256 for CIFAR-10, else 128). */
  batchSize?: number;
  /** Seed of initialisation, shuffling and augmentation (default 1). */
  seed?: number;
  /**
   * Output directory for `model.json`, `weights.bin`, `manifest.json`
   * (default `src/metrics/evaluators/weights/<dataset>/`).
   */
  outDir?: string;
  /**
   * Optimiser (default: the recipe's, `sgd` for CIFAR-10, else `adam`).
   * `adam`: cosine decay from `learningRate` to 2 % of it. `sgd`: Nesterov
   * momentum 0.9, learning rate rising linearly from 0 to `learningRate`
   * over the first `SGD_WARMUP` of the steps, then falling linearly to 0
   * (one-cycle).
   */
  optimizer?: EvaluatorOptimizer;
  /**
   * Peak learning rate (default: the recipe's for the recipe's optimiser,
   * else {@linkcode OPTIMIZER_LEARNING_RATE}: 1e-3 for `adam`, 0.2 for `sgd`).
   */
  learningRate?: number;
  /** Label smoothing of the cross-entropy (default: the recipe's, 0.2 for CIFAR-10, else 0). */
  labelSmoothing?: number;
  /** L2 weight decay of conv and dense kernels (default: the recipe's, 5e-4 for CIFAR-10, else 0). */
  weightDecay?: number;
  /** Augmentation (default: the recipe's: MNIST `shift`, CIFAR-10 `shift-flip`, else `none`). */
  augment?: Augmentation;
  /**
   * Architecture: a name (`tiny`, `small`, `cifar`) or a spec (default: the
   * recipe's).
   */
  architecture?: string | ArchitectureSpec;
  /** Use only this many training images (a seeded subset; default all). */
  trainCount?: number;
  /** Measure test accuracy on only this many test images (default all). */
  testCount?: number;
  /**
   * Evaluate test accuracy after every epoch (default true), on the first
   * `EPOCH_TEST_IMAGES` test images; the final accuracy uses all.
   */
  evalEachEpoch?: boolean;
  /** Progress line every this many steps (default 50). */
  logEvery?: number;
  /** Where progress lines go (default `console.log`). */
  log?: (line: string) => void;
  /** Data loading options (data dir, cache dir, synthetic options). */
  data?: LoadOptions;
}

/** The training settings of a run: the options with every default filled in. */
export interface EvaluatorTrainSettings {
  /** Passes over the training images. */
  epochs: number;
  /** Images per step. */
  batchSize: number;
  /** Seed of initialisation, shuffling and augmentation. */
  seed: number;
  /** The optimiser. */
  optimizer: EvaluatorOptimizer;
  /** Peak learning rate. */
  learningRate: number;
  /** Label smoothing of the cross-entropy. */
  labelSmoothing: number;
  /** L2 weight decay of the kernels. */
  weightDecay: number;
  /** Augmentation of the training batches. */
  augment: Augmentation;
  /** Progress line every this many steps. */
  logEvery: number;
  /** The architecture. */
  spec: ArchitectureSpec;
}

/**
 * Fills in the defaults of the data set's recipe and checks the result.
 *
 * @param options The caller's options.
 * @returns The settings of the run.
 * @throws Error naming the setting when a value is out of range or the
 *   architecture is unknown.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveTrainSettings } from "./train_options.ts";
 * const settings = resolveTrainSettings({ dataset: "cifar10", optimizer: "adam" });
 * assert.equal(settings.learningRate, 1e-3);
 * assert.equal(settings.labelSmoothing, 0.2);
 * assert.throws(() => resolveTrainSettings({ dataset: "mnist", epochs: 0 }), /epochs 0/);
 * ```
 */
export function resolveTrainSettings(
  options: TrainEvaluatorOptions,
): EvaluatorTrainSettings {
  const recipe = EVALUATOR_RECIPES[options.dataset];
  const optimizer = options.optimizer ?? recipe.optimizer;
  const settings: EvaluatorTrainSettings = {
    epochs: options.epochs ?? recipe.epochs,
    batchSize: options.batchSize ?? recipe.batchSize,
    seed: options.seed ?? 1,
    optimizer,
    learningRate: options.learningRate ??
      (optimizer === recipe.optimizer
        ? recipe.learningRate
        // An unknown optimiser gets Adam's rate here; checkSettings names it.
        : OPTIMIZER_LEARNING_RATE[optimizer] ?? OPTIMIZER_LEARNING_RATE.adam),
    labelSmoothing: options.labelSmoothing ?? recipe.labelSmoothing,
    weightDecay: options.weightDecay ?? recipe.weightDecay,
    augment: options.augment ?? recipe.augment,
    logEvery: options.logEvery ?? 50,
    spec: typeof options.architecture === "string"
      ? architectureByName(options.architecture)
      : options.architecture ?? defaultArchitecture(options.dataset),
  };
  checkSettings(settings);
  return settings;
}

/** Throws a one-line error for the first setting out of range. */
function checkSettings(settings: EvaluatorTrainSettings): void {
  const { learningRate, optimizer, labelSmoothing, weightDecay, augment } =
    settings;
  for (const name of ["epochs", "batchSize", "logEvery"] as const) {
    const v = settings[name];
    if (!Number.isInteger(v) || v < 1) {
      throw new Error(`train-evaluator --${name} ${v}: must be an integer ≥ 1`);
    }
  }
  if (!(learningRate > 0)) {
    throw new Error(
      `train-evaluator --learning-rate ${learningRate}: must be > 0`,
    );
  }
  if (optimizer !== "adam" && optimizer !== "sgd") {
    throw new Error(
      `train-evaluator --optimizer ${optimizer}: expected adam or sgd`,
    );
  }
  if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
    throw new Error(
      `train-evaluator --label-smoothing ${labelSmoothing}: must be in [0, 1)`,
    );
  }
  if (!(weightDecay >= 0)) {
    throw new Error(
      `train-evaluator --weight-decay ${weightDecay}: must be ≥ 0`,
    );
  }
  if (!["none", "shift", "shift-flip"].includes(augment)) {
    throw new Error(
      `train-evaluator --augment ${augment}: expected none, shift or shift-flip`,
    );
  }
}
