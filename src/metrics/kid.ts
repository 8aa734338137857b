/**
 * Kernel Inception Distance (Bińkowski et al. 2018).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { mulberry32 } from "../util/random.ts";
import { type MeanStd, meanStd } from "./inception_score.ts";

/** Options of {@linkcode kid}. */
export interface KidOptions {
  /** Number of subsets (default 100). */
  subsets?: number;
  /** Subset size; the size used is min(subsetSize, N_A, N_B) (default 1000). */
  subsetSize?: number;
  /** Seed of the subset sampler (default 0). */
  seed?: number;
}

/**
 * The subset indices {@linkcode kid} uses, exactly: one mulberry32(seed)
 * stream; for each subset, first A then B, a full Fisher–Yates shuffle of
 * 0…N−1 (i from N−1 down to 1, j = ⌊rng()·(i+1)⌋, swap) of which the first
 * m entries are taken (distinct within a subset).
 *
 * @param nA Rows of the first feature set.
 * @param nB Rows of the second feature set.
 * @param subsets Number of subsets.
 * @param m Subset size (≤ nA, nB).
 * @param seed Seed of the generator.
 * @returns Per subset, the row indices into A and into B.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { kidSubsets } from "./kid.ts";
 * const [{ a, b }] = kidSubsets(10, 10, 1, 5, 0);
 * assert.equal(new Set(a).size, 5); // 5 distinct rows each
 * assert.equal(new Set(b).size, 5);
 * assert.ok(a.every((i) => i >= 0 && i < 10));
 * ```
 */
export function kidSubsets(
  nA: number,
  nB: number,
  subsets: number,
  m: number,
  seed: number,
): Array<{ a: Int32Array; b: Int32Array }> {
  const rng = mulberry32(seed);
  const draw = (n: number) => {
    const idx = new Int32Array(n);
    for (let i = 0; i < n; i++) idx[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      const t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
    return idx.slice(0, m);
  };
  const out: Array<{ a: Int32Array; b: Int32Array }> = [];
  for (let s = 0; s < subsets; s++) {
    const a = draw(nA);
    const b = draw(nB);
    out.push({ a, b });
  }
  return out;
}

/**
 * KID: the unbiased MMD² estimate with the cubic polynomial kernel
 * k(x, y) = (xᵀy/d + 1)³, averaged over random subsets (sampled as in
 * {@linkcode kidSubsets}); mean and population std over subsets, as in the
 * reference implementation. Kernel matrices are computed with tf.matMul on
 * the current backend (float32), the sums combined in float64.
 *
 * @param featuresA `[N_A, d]` features (not disposed).
 * @param featuresB `[N_B, d]` features (not disposed).
 * @param options Subsets, subset size and seed.
 * @returns `{ mean, std }` of MMD² over subsets.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import assert from "node:assert/strict";
 * import { kid } from "./kid.ts";
 * await tf.ready();
 * const a = tf.randomNormal([100, 8], 0, 1, "float32", 1) as tf.Tensor2D;
 * const b = tf.randomNormal([100, 8], 1, 1, "float32", 2) as tf.Tensor2D;
 * const { mean } = await kid(a, b, { subsets: 10, subsetSize: 50, seed: 0 });
 * const same = await kid(a, a, { subsets: 10, subsetSize: 50, seed: 0 });
 * // Shifted means stand far above the same-distribution value (≈ 0).
 * assert.ok(mean > 5 && Math.abs(same.mean) < 0.5, `${mean}, ${same.mean}`);
 * tf.dispose([a, b]);
 * ```
 */
export async function kid(
  featuresA: tf.Tensor2D,
  featuresB: tf.Tensor2D,
  options: KidOptions = {},
): Promise<MeanStd> {
  const metric = "kid";
  if (featuresA.rank !== 2 || featuresB.rank !== 2) {
    throw new Error(
      `${metric}: features must be 2-D [N, d], got shapes [${featuresA.shape}] and [${featuresB.shape}]`,
    );
  }
  const [nA, d] = featuresA.shape;
  const [nB, dB] = featuresB.shape;
  if (d !== dB) {
    throw new Error(
      `${metric}: feature dimensions differ: shapes [${featuresA.shape}] and [${featuresB.shape}]`,
    );
  }
  const subsets = options.subsets ?? 100;
  const subsetSize = options.subsetSize ?? 1000;
  const seed = options.seed ?? 0;
  if (!(Number.isInteger(subsets) && subsets >= 1)) {
    throw new Error(
      `${metric}: subsets must be a positive integer, got ${subsets}`,
    );
  }
  if (!(Number.isInteger(subsetSize) && subsetSize >= 2)) {
    throw new Error(
      `${metric}: subsetSize must be an integer ≥ 2, got ${subsetSize}`,
    );
  }
  const m = Math.min(subsetSize, nA, nB);
  if (m < 2) {
    throw new Error(
      `${metric}: need at least 2 rows in each set, got ${nA} and ${nB}`,
    );
  }
  const draws = kidSubsets(nA, nB, subsets, m, seed);
  // Per subset, m-vectors: row sums of K_XX, diag K_XX, row sums of K_YY,
  // diag K_YY, row sums of K_XY.
  const sums = tf.tidy(() => {
    const kernel = (x: tf.Tensor2D, y: tf.Tensor2D) =>
      tf.pow(tf.add(tf.div(tf.matMul(x, y, false, true), d), 1), 3);
    const diag = (x: tf.Tensor2D) =>
      tf.pow(tf.add(tf.div(tf.sum(tf.square(x), 1), d), 1), 3);
    const rows: tf.Tensor[] = [];
    for (const { a, b } of draws) {
      rows.push(tf.tidy(() => {
        const x = tf.gather(featuresA, tf.tensor1d(a, "int32"));
        const y = tf.gather(featuresB, tf.tensor1d(b, "int32"));
        // Row sums only: the final sums are taken in float64 below.
        return tf.stack([
          tf.sum(kernel(x, x), 1),
          diag(x),
          tf.sum(kernel(y, y), 1),
          diag(y),
          tf.sum(kernel(x, y), 1),
        ]);
      }));
    }
    return tf.stack(rows);
  });
  const v = await sums.data();
  sums.dispose();
  const mmd = new Float64Array(subsets);
  for (let s = 0; s < subsets; s++) {
    const t = [0, 0, 0, 0, 0];
    for (let q = 0; q < 5; q++) {
      const o = (5 * s + q) * m;
      for (let i = 0; i < m; i++) t[q] += v[o + i];
    }
    const [kxx, dxx, kyy, dyy, kxy] = t;
    mmd[s] = (kxx - dxx) / (m * (m - 1)) + (kyy - dyy) / (m * (m - 1)) -
      (2 * kxy) / (m * m);
  }
  return meanStd(mmd);
}
