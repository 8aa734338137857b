/**
 * The optimisers of evaluator training and their learning-rate schedules:
 * Adam with cosine decay, or Nesterov SGD with a one-cycle schedule.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { EvaluatorOptimizer } from "./recipe.ts";

/** Fraction of the steps over which the `sgd` learning rate warms up. */
export const SGD_WARMUP = 0.2;

/**
 * The learning-rate multiplier of a step: cosine from 1 to 0.02 for `adam`;
 * for `sgd` a linear rise from 0 to 1 over {@linkcode SGD_WARMUP} of the
 * steps, then a linear fall to 0 at the last step.
 *
 * @param optimizer The optimiser.
 * @param step Step index, 0-based.
 * @param totalSteps Steps of the whole run.
 * @returns The factor in [0, 1].
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scheduleFactor } from "./optimizer.ts";
 * assert.equal(scheduleFactor("sgd", 20, 100), 1);
 * assert.equal(scheduleFactor("adam", 0, 100), 1);
 * ```
 */
export function scheduleFactor(
  optimizer: EvaluatorOptimizer,
  step: number,
  totalSteps: number,
): number {
  if (optimizer === "adam") {
    const cosine = 0.5 * (1 + Math.cos(Math.PI * step / totalSteps));
    return 0.02 + 0.98 * cosine;
  }
  const peak = SGD_WARMUP * totalSteps;
  // Step s trains at (s + 1)/peak while warming up, so the first step is not 0.
  if (step < peak) return Math.min(1, (step + 1) / peak);
  return Math.max(0, (totalSteps - step) / (totalSteps - peak));
}

/** An optimiser whose learning rate the training loop sets at every step. */
export interface ScheduledOptimizer {
  /** The TF.js optimiser (for `model.compile`). */
  optimizer: tf.Optimizer;
  /**
   * Sets the learning rate of the next steps.
   *
   * @param lr The learning rate.
   */
  setLearningRate(lr: number): void;
  /** Disposes the optimiser and its learning-rate scalar. */
  dispose(): void;
}

/**
 * Creates an evaluator optimiser: Adam, or SGD with Nesterov momentum 0.9.
 *
 * @param name The optimiser.
 * @param learningRate Its initial learning rate.
 * @returns The optimiser with its learning-rate setter.
 * @example
 * ```ts
 * import "@tensorflow/tfjs-backend-cpu";
 * import { createScheduledOptimizer } from "./optimizer.ts";
 * const sgd = createScheduledOptimizer("sgd", 0.2);
 * sgd.setLearningRate(0.1);
 * sgd.dispose();
 * ```
 */
export function createScheduledOptimizer(
  name: EvaluatorOptimizer,
  learningRate: number,
): ScheduledOptimizer {
  // (`instanceof` cannot tell TF.js optimisers apart: every one matches.)
  if (name === "sgd") {
    const momentum = tf.train.momentum(learningRate, 0.9, true);
    return {
      optimizer: momentum,
      // SGD-family optimisers read a cached scalar, renewed only here.
      setLearningRate: (lr) => momentum.setLearningRate(lr),
      dispose: () => {
        momentum.dispose();
        // MomentumOptimizer.dispose() forgets its parent's learning-rate scalar.
        (momentum as unknown as { c: tf.Scalar }).c.dispose();
      },
    };
  }
  const adam = tf.train.adam(learningRate);
  return {
    optimizer: adam,
    // Adam reads the field at every step.
    setLearningRate: (lr) => {
      (adam as unknown as { learningRate: number }).learningRate = lr;
    },
    dispose: () => adam.dispose(),
  };
}
