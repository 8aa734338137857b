/**
 * Inception Score (Salimans et al. 2016).
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";

/** Options of {@linkcode inceptionScore}. */
export interface InceptionScoreOptions {
  /** Number of consecutive chunks the samples are split into (default 10). */
  splits?: number;
}

/** Mean and population standard deviation over splits/subsets. */
export interface MeanStd {
  /** Mean over splits (or subsets). */
  mean: number;
  /** Population standard deviation (numpy `np.std`, ddof = 0). */
  std: number;
}

/**
 * Mean and population standard deviation of values.
 *
 * @param values The values.
 * @returns `{ mean, std }` with std = sqrt(mean((v − mean)²)).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { meanStd } from "./inception_score.ts";
 * assert.deepEqual(meanStd([1, 3]), { mean: 2, std: 1 });
 * ```
 */
export function meanStd(values: ArrayLike<number>): MeanStd {
  let mean = 0;
  for (let i = 0; i < values.length; i++) mean += values[i];
  mean /= values.length;
  let v = 0;
  for (let i = 0; i < values.length; i++) v += (values[i] - mean) ** 2;
  return { mean, std: Math.sqrt(v / values.length) };
}

/**
 * Inception Score: for each of `splits` consecutive chunks (rows
 * `⌊k·N/splits⌋ … ⌊(k+1)·N/splits⌋ − 1`, as in the reference
 * implementation), exp(mean over x of KL(p(y|x) ‖ p(y))) with p(y) the
 * chunk's mean prediction; returns the mean and population std over chunks.
 * Computed in float64; terms with p(y|x) = 0 count 0.
 *
 * @param probs `[N, classes]` class probabilities (rows sum to 1; not disposed).
 * @param options Number of splits (default 10; N ≥ splits).
 * @returns `{ mean, std }` over splits.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { inceptionScore } from "./inception_score.ts";
 * import assert from "node:assert/strict";
 * await tf.ready();
 * const p = tf.oneHot(tf.tensor1d([0, 1, 0, 1], "int32"), 2) as tf.Tensor2D;
 * const { mean, std } = await inceptionScore(p, { splits: 2 });
 * // Confident and balanced over 2 classes: the maximum, 2.
 * assert.ok(Math.abs(mean - 2) < 1e-6 && std < 1e-6);
 * p.dispose();
 * ```
 */
export async function inceptionScore(
  probs: tf.Tensor2D,
  options: InceptionScoreOptions = {},
): Promise<MeanStd> {
  const metric = "inceptionScore";
  const splits = options.splits ?? 10;
  if (probs.rank !== 2) {
    throw new Error(
      `${metric}: probs must be 2-D [N, classes], got shape [${probs.shape}]`,
    );
  }
  const [n, k] = probs.shape;
  if (!(Number.isInteger(splits) && splits >= 1 && splits <= n)) {
    throw new Error(
      `${metric}: splits must be an integer in 1…N (N = ${n}), got ${splits}`,
    );
  }
  const p = await probs.data();
  for (let i = 0; i < p.length; i++) {
    if (!(p[i] >= 0 && p[i] <= 1 + 1e-6)) {
      throw new Error(
        `${metric}: probs must lie in [0, 1], got ${p[i]} at row ${
          Math.floor(i / k)
        }`,
      );
    }
  }
  const scores = new Float64Array(splits);
  const py = new Float64Array(k);
  for (let s = 0; s < splits; s++) {
    const start = Math.floor((s * n) / splits);
    const end = Math.floor(((s + 1) * n) / splits);
    py.fill(0);
    for (let i = start; i < end; i++) {
      for (let j = 0; j < k; j++) py[j] += p[i * k + j];
    }
    for (let j = 0; j < k; j++) py[j] /= end - start;
    let kl = 0;
    for (let i = start; i < end; i++) {
      for (let j = 0; j < k; j++) {
        const q = p[i * k + j];
        if (q > 0) kl += q * (Math.log(q) - Math.log(py[j]));
      }
    }
    scores[s] = Math.exp(kl / (end - start));
  }
  return meanStd(scores);
}
