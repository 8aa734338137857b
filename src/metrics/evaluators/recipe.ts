/**
 * The training recipe of each data set's evaluator classifier (epochs,
 * batch size, optimiser, learning rate, label smoothing, weight decay,
 * augmentation, architecture): the settings the committed weights were
 * trained with, in one table keyed by data set id.
 *
 * @module
 */
import type { DatasetId } from "../../data/registry.ts";
import {
  type ArchitectureName,
  ARCHITECTURES,
  type ArchitectureSpec,
} from "./architecture.ts";
import type { Augmentation } from "./types.ts";

/** The evaluator optimisers. */
export type EvaluatorOptimizer = "adam" | "sgd";

/** How a data set's evaluator is trained by default. */
export interface EvaluatorRecipe {
  /** Passes over the training images. */
  epochs: number;
  /** Images per step. */
  batchSize: number;
  /**
   * `adam`: cosine decay from `learningRate` to 2 % of it. `sgd`: Nesterov
   * momentum 0.9 with a one-cycle learning rate (see `scheduleFactor`).
   */
  optimizer: EvaluatorOptimizer;
  /** Peak learning rate of `optimizer`. */
  learningRate: number;
  /** Label smoothing of the cross-entropy. */
  labelSmoothing: number;
  /** L2 weight decay of conv and dense kernels. */
  weightDecay: number;
  /** Augmentation of the training batches. */
  augment: Augmentation;
  /** The architecture, by name. */
  architecture: ArchitectureName;
}

/**
 * Default epochs of a head-only retraining (`trunkFrom`): the shipped MNIST
 * and Fashion-MNIST v2 heads were trained for 3 epochs on v1's trunks.
 */
export const HEAD_EPOCHS = 3;

/**
 * Peak learning rate of each optimiser when it is not the recipe's (the
 * recipe's own optimiser uses the recipe's rate).
 */
export const OPTIMIZER_LEARNING_RATE: Readonly<
  Record<EvaluatorOptimizer, number>
> = { adam: 1e-3, sgd: 0.2 };

/** The recipe of every data set (a data set without one does not compile). */
export const EVALUATOR_RECIPES = {
  mnist: {
    epochs: 5,
    batchSize: 128,
    optimizer: "adam",
    learningRate: 1e-3,
    labelSmoothing: 0,
    weightDecay: 0,
    augment: "shift",
    architecture: "small-bn",
  },
  fashion: {
    epochs: 4,
    batchSize: 128,
    optimizer: "adam",
    learningRate: 1e-3,
    labelSmoothing: 0,
    weightDecay: 0,
    augment: "none",
    architecture: "small-bn",
  },
  cifar10: {
    epochs: 8,
    batchSize: 256,
    optimizer: "sgd",
    learningRate: 0.2,
    labelSmoothing: 0.2,
    weightDecay: 5e-4,
    augment: "shift-flip",
    architecture: "cifar",
  },
  synthetic: {
    epochs: 3,
    batchSize: 128,
    optimizer: "adam",
    learningRate: 1e-3,
    labelSmoothing: 0,
    weightDecay: 0,
    augment: "none",
    architecture: "small",
  },
} as const satisfies Record<DatasetId, EvaluatorRecipe>;

/**
 * The recipe of a data set.
 *
 * @param dataset The data set id.
 * @returns Its recipe.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { evaluatorRecipe } from "./recipe.ts";
 * assert.equal(evaluatorRecipe("cifar10").optimizer, "sgd");
 * assert.equal(evaluatorRecipe("mnist").epochs, 5);
 * ```
 */
export function evaluatorRecipe(dataset: DatasetId): EvaluatorRecipe {
  return EVALUATOR_RECIPES[dataset];
}

/**
 * The default architecture of a data set's evaluator.
 *
 * @param dataset The data set id.
 * @returns `cifar` for CIFAR-10, `small` otherwise.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultArchitecture } from "./recipe.ts";
 * assert.equal(defaultArchitecture("mnist").featureDim, 128);
 * ```
 */
export function defaultArchitecture(dataset: DatasetId): ArchitectureSpec {
  return ARCHITECTURES[EVALUATOR_RECIPES[dataset].architecture];
}
