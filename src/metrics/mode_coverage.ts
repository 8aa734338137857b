/**
 * Mode coverage and label accuracy from an evaluator's predicted classes:
 * how many classes the generated samples fall into, the KL divergence of
 * their class histogram from the real one (the mode-collapse measure of
 * VEEGAN / PacGAN style studies), and, for a conditional generator, how
 * often the evaluator agrees with the label it was asked for. The kernels
 * work on plain class indices and counts, in float64.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/** Options of {@linkcode modeCoverage}. */
export interface ModeCoverageOptions {
  /**
   * Share of the generated samples a class needs to count as covered
   * (default 1/(4K) for K classes; 0: a single sample suffices). A class
   * always needs at least one sample.
   */
  minShare?: number;
  /**
   * Additive smoothing of the real class distribution, q̃ = (q + ε) /
   * (1 + Kε), so that a class the real data never gets keeps the KL finite
   * (at most about ln(1/ε) nats); default 1e-6. A uniform q is unchanged.
   */
  epsilon?: number;
}

/** What {@linkcode modeCoverage} returns. */
export interface ModeCoverage {
  /** Classes that receive at least `minShare` of the generated samples. */
  classesCovered: number;
  /** KL(generated class histogram ‖ smoothed real histogram), in nats. */
  classKl: number;
}

/**
 * The predicted class (arg max) of each row of class probabilities.
 *
 * @param probabilities `[N, classes]` (not disposed).
 * @returns The N class indices; ties go to the lowest index.
 * @throws Error when `probabilities` is not 2-D with at least one class.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import assert from "node:assert/strict";
 * import { predictedClasses } from "./mode_coverage.ts";
 * await tf.ready();
 * const p = tf.tensor2d([[0.1, 0.9], [0.7, 0.3]]);
 * assert.deepEqual(Array.from(await predictedClasses(p)), [1, 0]);
 * p.dispose();
 * ```
 */
export async function predictedClasses(
  probabilities: tf.Tensor2D,
): Promise<Int32Array> {
  if (probabilities.rank !== 2 || probabilities.shape[1] < 1) {
    throw new Error(
      `predictedClasses: probabilities must be 2-D [N, classes], got shape [${probabilities.shape}]`,
    );
  }
  const argMax = tf.argMax(probabilities, 1);
  try {
    return Int32Array.from(await argMax.data());
  } finally {
    argMax.dispose();
  }
}

/**
 * How many samples fall into each class.
 *
 * @param classes Class indices, each an integer in [0, numClasses).
 * @param numClasses Number of classes K.
 * @returns K counts.
 * @throws Error when K is not a positive integer or an index is out of range.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { classCounts } from "./mode_coverage.ts";
 * assert.deepEqual(classCounts([0, 2, 2], 4), [1, 0, 2, 0]);
 * ```
 */
export function classCounts(
  classes: ArrayLike<number>,
  numClasses: number,
): number[] {
  if (!(Number.isInteger(numClasses) && numClasses >= 1)) {
    throw new Error(
      `classCounts: numClasses must be a positive integer, got ${numClasses}`,
    );
  }
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < classes.length; i++) {
    const c = classes[i];
    if (!(Number.isInteger(c) && c >= 0 && c < numClasses)) {
      throw new Error(
        `classCounts: class index ${c} at position ${i} is not in [0, ${numClasses})`,
      );
    }
    counts[c]++;
  }
  return counts;
}

/**
 * Mode coverage of generated samples against real ones, from class
 * histograms (e.g. {@linkcode classCounts} of the evaluator's predicted
 * classes): the number of classes that receive at least `minShare` of the
 * generated samples, and KL(p ‖ q̃) = Σ_c p_c ln(p_c / q̃_c) with p the
 * generated and q̃ the smoothed real class distribution (terms with
 * p_c = 0 count 0). A generator whose samples are classified like real
 * images scores K classes and a KL near 0 (sampling noise ≈ (K − 1)/(2N)
 * nats); one that collapses onto one of K balanced classes scores 1 and
 * ln K.
 *
 * @param fakeCounts Generated samples per class (K non-negative numbers, sum > 0).
 * @param realCounts Real samples per class (same K, sum > 0).
 * @param options The covered threshold and the smoothing.
 * @returns `{ classesCovered, classKl }`.
 * @throws Error when the histograms differ in length, are empty, hold a
 *   negative or non-finite count or sum to 0, or an option is out of range.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { modeCoverage } from "./mode_coverage.ts";
 * // Every sample in class 0 of four balanced classes: 1 class, KL = ln 4.
 * const r = modeCoverage([100, 0, 0, 0], [25, 25, 25, 25]);
 * assert.equal(r.classesCovered, 1);
 * assert.ok(Math.abs(r.classKl - Math.log(4)) < 1e-12);
 * ```
 */
export function modeCoverage(
  fakeCounts: ArrayLike<number>,
  realCounts: ArrayLike<number>,
  options: ModeCoverageOptions = {},
): ModeCoverage {
  const k = fakeCounts.length;
  if (k < 1 || realCounts.length !== k) {
    throw new Error(
      `modeCoverage: class histograms must be non-empty and of equal length, got ${k} and ${realCounts.length}`,
    );
  }
  const minShare = options.minShare ?? 1 / (4 * k);
  const epsilon = options.epsilon ?? 1e-6;
  if (!(minShare >= 0 && minShare <= 1)) {
    throw new Error(
      `modeCoverage: minShare must be in [0, 1], got ${minShare}`,
    );
  }
  if (!(epsilon >= 0 && Number.isFinite(epsilon))) {
    throw new Error(
      `modeCoverage: epsilon must be a finite number ≥ 0, got ${epsilon}`,
    );
  }
  const nFake = histogramTotal("fake", fakeCounts);
  const nReal = histogramTotal("real", realCounts);
  let classesCovered = 0;
  let classKl = 0;
  for (let c = 0; c < k; c++) {
    const p = fakeCounts[c] / nFake;
    if (fakeCounts[c] >= 1 && p >= minShare) classesCovered++;
    if (p === 0) continue;
    const q = (realCounts[c] / nReal + epsilon) / (1 + k * epsilon);
    classKl += p * Math.log(p / q);
  }
  // Rounding can leave a tiny negative sum for equal histograms.
  return { classesCovered, classKl: Math.max(0, classKl) };
}

/**
 * The share of samples whose predicted class is the label that was
 * requested for them (a conditional generator's label accuracy).
 *
 * @param predicted Predicted class per sample.
 * @param requested Requested label per sample (same length, ≥ 1).
 * @returns The agreeing share, in [0, 1].
 * @throws Error when the lengths differ or are 0.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { labelAccuracy } from "./mode_coverage.ts";
 * assert.equal(labelAccuracy([0, 1, 1, 3], [0, 1, 2, 3]), 0.75);
 * ```
 */
export function labelAccuracy(
  predicted: ArrayLike<number>,
  requested: ArrayLike<number>,
): number {
  if (predicted.length === 0 || predicted.length !== requested.length) {
    throw new Error(
      `labelAccuracy: predicted and requested labels must be non-empty and of equal length, got ${predicted.length} and ${requested.length}`,
    );
  }
  let agree = 0;
  for (let i = 0; i < predicted.length; i++) {
    if (predicted[i] === requested[i]) agree++;
  }
  return agree / predicted.length;
}

/** The sum of a histogram, checked: finite counts ≥ 0, sum > 0. */
function histogramTotal(side: string, counts: ArrayLike<number>): number {
  let total = 0;
  for (let c = 0; c < counts.length; c++) {
    const v = counts[c];
    if (!(v >= 0 && Number.isFinite(v))) {
      throw new Error(
        `modeCoverage: ${side} count of class ${c} must be a finite number ≥ 0, got ${v}`,
      );
    }
    total += v;
  }
  if (!(total > 0)) {
    throw new Error(`modeCoverage: the ${side} histogram is empty (sum 0)`);
  }
  return total;
}
