/**
 * The class metrics of an interval, read from the evaluator's predicted
 * classes of the `nEval` fakes: `classes_covered` and `class_kl` (mode
 * coverage against the evaluator's predicted classes of the real test
 * images) and, for a conditional generator, `label_acc` (how often the
 * evaluator agrees with the requested label).
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import {
  classCounts,
  labelAccuracy,
  modeCoverage,
  predictedClasses,
} from "../metrics/mod.ts";
import type { IntervalMetrics } from "./types.ts";

/**
 * `classes_covered`, `class_kl` and, for conditional fakes, `label_acc`.
 * `label_acc` is left out (an empty field) for unconditional fakes, and for
 * an evaluator whose class count is not the data set's (an external
 * evaluator's classes are not the labels the generator was asked for).
 *
 * @param probabilities The evaluator's class probabilities of the fakes,
 *   `[nEval, classes]` (not disposed).
 * @param realClassCounts The evaluator's predicted-class counts of the
 *   real test images (same classes).
 * @param numClasses Classes of the data set.
 * @param conditional Whether fake i was asked for class i mod numClasses
 *   (as `balancedLabels` makes them).
 * @returns The metrics, by CSV column name.
 * @throws Error when the real histogram has another class count than the
 *   probabilities.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import assert from "node:assert/strict";
 * import { classMetrics } from "./class_metrics.ts";
 * await tf.ready();
 * // Four fakes, asked for 0, 1, 0, 1; the evaluator sees 0, 1, 1, 1.
 * const p = tf.tensor2d([[0.9, 0.1], [0.2, 0.8], [0.4, 0.6], [0.3, 0.7]]);
 * const m = await classMetrics(p, [50, 50], 2, true);
 * assert.equal(m.classes_covered, 2);
 * assert.equal(m.label_acc, 0.75);
 * p.dispose();
 * ```
 */
export async function classMetrics(
  probabilities: tf.Tensor2D,
  realClassCounts: readonly number[],
  numClasses: number,
  conditional: boolean,
): Promise<IntervalMetrics> {
  const k = probabilities.shape[1];
  if (realClassCounts.length !== k) {
    throw new Error(
      `class metrics: the real class histogram has ${realClassCounts.length} classes, the evaluator's probabilities ${k}`,
    );
  }
  const predicted = await predictedClasses(probabilities);
  const coverage = modeCoverage(classCounts(predicted, k), realClassCounts);
  const metrics: IntervalMetrics = {
    classes_covered: coverage.classesCovered,
    class_kl: coverage.classKl,
  };
  if (conditional && k === numClasses) {
    // The labels sampleFakes asked for: fake i is class i mod numClasses.
    const requested = Array.from(predicted, (_, i) => i % numClasses);
    metrics.label_acc = labelAccuracy(predicted, requested);
  }
  return metrics;
}
