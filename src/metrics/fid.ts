/**
 * Fréchet Inception Distance (Heusel et al. 2017) in float64 on the CPU.
 *
 * The O(N·d²) covariance and the O(d³) trace term run in WebAssembly
 * kernels (`_wasm_f64.ts`: 128-bit SIMD without fused multiply-add), so the
 * same features give the same doubles on every machine and backend; the
 * covariance rows may be shared among Web Workers without changing them.
 * FID refuses sets with N ≤ d (singular covariance) unless asked not to.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { dotProducts, traceSqrtProduct } from "./_linalg.ts";
import { meanAndCovarianceParallel } from "./_covariance.ts";
import { symmetricEigen } from "./_symmetric_eigen.ts";

/** Mean and covariance of a feature set, as cached by the trainer. */
export interface FeatureStats {
  /** Feature means, length `d`. */
  mu: Float64Array;
  /** Unbiased (N−1) covariance, `d×d` row-major (symmetric). */
  sigma: Float64Array;
  /** Number of samples the statistics were computed from. */
  n: number;
  /** Feature dimension. */
  d: number;
}

/** Options of {@linkcode featureStats}. */
export interface FeatureStatsOptions {
  /**
   * Threads for the covariance (this one plus Web Workers, which need read
   * access to this module's folder; without it, one thread). Default: up to
   * 4 (the machine's cores) when N·d² ≥ 10⁹, else 1. Any count gives the
   * same doubles.
   */
  threads?: number;
}

/**
 * Mean and unbiased (N−1) covariance of a feature matrix, accumulated in
 * float64 on the CPU (the features are downloaded once). Every covariance
 * entry is the sum of its N products in sample order.
 *
 * @param features `[N, d]` tensor (rows = samples) or row-major values with
 *   an explicit shape; N ≥ 2. Not disposed.
 * @param options Thread count (default: automatic).
 * @returns The statistics, reusable with {@linkcode fidFromStats}.
 * @throws {Error} When the shape is not 2-D, N < 2 or a value is not finite.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { featureStats } from "./fid.ts";
 * import assert from "node:assert/strict";
 * await tf.ready();
 * const x = tf.tensor2d([[0, 1], [2, 3], [4, 8]]);
 * const stats = await featureStats(x);
 * assert.deepEqual(Array.from(stats.mu), [2, 4]);
 * assert.deepEqual([stats.n, stats.d], [3, 2]);
 * x.dispose();
 * ```
 */
export async function featureStats(
  features: tf.Tensor2D | { values: ArrayLike<number>; n: number; d: number },
  options: FeatureStatsOptions = {},
): Promise<FeatureStats> {
  let values: ArrayLike<number>;
  let n: number;
  let d: number;
  if (features instanceof tf.Tensor) {
    if (features.rank !== 2) {
      throw new Error(
        `fid: features must be a 2-D [N, d] tensor, got shape [${features.shape}]`,
      );
    }
    [n, d] = features.shape;
    values = await features.data();
  } else {
    ({ values, n, d } = features);
    if (values.length !== n * d) {
      throw new Error(
        `fid: features have ${values.length} values, expected n×d = ${n}×${d}`,
      );
    }
  }
  if (n < 2) {
    throw new Error(
      `fid: need at least 2 feature rows for a covariance, got ${n}`,
    );
  }
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new Error(
        `fid: features contain a non-finite value (${values[i]}) at row ${
          Math.floor(i / d)
        }, column ${i % d}`,
      );
    }
  }
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
  const threads = options.threads ??
    (n * d * d >= 1e9 ? Math.max(1, Math.min(4, cores)) : 1);
  const { mu, sigma } = await meanAndCovarianceParallel(
    values,
    n,
    d,
    Math.max(1, Math.floor(threads)),
  );
  return { mu, sigma, n, d };
}

/** Options of {@linkcode fidFromStats}. */
export interface FidOptions {
  /**
   * How Σ₁^½ enters the trace term (all give the same number up to
   * rounding): `"eigen"` uses Σ₁ = V Λ Vᵀ (Λ clamped at 0, plain
   * JavaScript, slow for large d); `"cholesky"` uses Σ₁ = L Lᵀ, whose
   * Lᵀ Σ₂ L is orthogonally similar to Σ₁^½ Σ₂ Σ₁^½ (blocked WebAssembly
   * kernels, needs Σ₁ positive definite up to exactly-zero-variance
   * features); `"auto"` (default) tries Cholesky and falls back to the
   * eigendecomposition when Σ₁ is not positive definite.
   */
  method?: "auto" | "eigen" | "cholesky";
  /**
   * Compute FID even when a set has N ≤ d samples (its covariance is then
   * singular and the value inflated, not comparable with full-rank ones):
   * one warning line goes to stderr instead of an error. Default false.
   */
  allowSingular?: boolean;
}

/**
 * Refuses (or, with `allowSingular`, warns about) statistics from N ≤ d
 * samples, whose covariance has rank ≤ N − 1 < d.
 */
function checkRank(
  a: FeatureStats,
  b: FeatureStats,
  allowSingular: boolean,
): void {
  const sets = [["first", a.n], ["second", b.n]] as const;
  const bad = sets.filter(([, n]) => n <= a.d);
  if (bad.length === 0) return;
  const what = bad.map(([set, n]) => `N = ${n} (${set} set)`).join(" and ");
  const msg =
    `${what} ≤ feature dimension d = ${a.d}: the covariance is singular and FID is inflated`;
  if (!allowSingular) {
    throw new Error(
      `fid: ${msg}; use more than d samples per set, or allowSingular to compute it anyway`,
    );
  }
  console.warn(`fid: WARNING: ${msg} (not comparable with N > d values)`);
}

/** Symmetrises in place (average of the two triangles). */
function symmetrise(m: Float64Array, r: number): void {
  for (let i = 0; i < r; i++) {
    for (let j = i + 1; j < r; j++) {
      const avg = 0.5 * (m[i * r + j] + m[j * r + i]);
      m[i * r + j] = avg;
      m[j * r + i] = avg;
    }
  }
}

/** Σ √max(λ, 0) over the eigenvalues of the symmetric r×r matrix m. */
function traceSqrtSymmetric(m: Float64Array, r: number): number {
  symmetrise(m, r);
  const mu = symmetricEigen(m, r, false).values;
  let tr = 0;
  for (let i = 0; i < r; i++) if (mu[i] > 0) tr += Math.sqrt(mu[i]);
  return tr;
}

/**
 * The trace term Tr((Σ₁Σ₂)^½) = Tr((Σ₁^½ Σ₂ Σ₁^½)^½) via symmetric
 * eigendecompositions, negative eigenvalues clamped to 0.
 *
 * With Σ₁ = V Λ Vᵀ and A = V Λ₊^½ (columns of V for λ > 0 only, scaled),
 * Σ₁^½ Σ₂ Σ₁^½ = V (Aᵀ Σ₂ A) Vᵀ has the eigenvalues of Aᵀ Σ₂ A.
 */
function traceSqrtProductEigen(
  sigma1: Float64Array,
  sigma2: Float64Array,
  d: number,
): number {
  const { values, vectors } = symmetricEigen(sigma1, d, true);
  const v = vectors!;
  let r = 0;
  for (let j = 0; j < d; j++) if (values[j] > 0) r++;
  if (r === 0) return 0;
  // A: r columns (contiguous, length d).
  const a = new Float64Array(r * d);
  let c = 0;
  for (let j = 0; j < d; j++) {
    if (!(values[j] > 0)) continue;
    const s = Math.sqrt(values[j]);
    const src = j * d;
    const dst = c * d;
    for (let k = 0; k < d; k++) a[dst + k] = v[src + k] * s;
    c++;
  }
  // T = Σ₂ A stored column-major: t[j*d + i] = (Σ₂ A)(i, j) = a_j · Σ₂ row i.
  const t = dotProducts(a, r, sigma2, d, d);
  // M = Aᵀ T (r×r, symmetric).
  const m = dotProducts(a, r, t, r, d, true);
  return traceSqrtSymmetric(m, r);
}

/**
 * The trace term for a first covariance of low rank (N ≤ d samples): a
 * pivoted Cholesky factor Σ₁ = L Lᵀ with r ≪ d columns (stopping when the
 * largest remaining pivot is below 1e-12 of the largest variance, i.e.
 * rounding), then the eigenvalues of the r×r matrix Lᵀ Σ₂ L, which are the
 * non-zero eigenvalues of Σ₁^½ Σ₂ Σ₁^½. O(d²·r) instead of the O(d³)
 * eigendecomposition: at d = 2048 and N = 8, milliseconds instead of about
 * 25 s.
 */
function traceSqrtProductLowRank(
  sigma1: Float64Array,
  sigma2: Float64Array,
  d: number,
): number {
  const residual = new Float64Array(d);
  let maxDiag = 0;
  for (let i = 0; i < d; i++) {
    residual[i] = sigma1[i * d + i];
    maxDiag = Math.max(maxDiag, residual[i]);
  }
  const tol = 1e-12 * maxDiag;
  const chosen = new Uint8Array(d);
  const columns: Float64Array[] = [];
  while (columns.length < d) {
    let p = -1;
    for (let i = 0; i < d; i++) {
      if (!chosen[i] && (p < 0 || residual[i] > residual[p])) p = i;
    }
    if (p < 0 || !(residual[p] > tol)) break;
    const pivot = Math.sqrt(residual[p]);
    const l = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      if (chosen[i]) continue;
      let v = sigma1[i * d + p];
      for (const c of columns) v -= c[i] * c[p];
      l[i] = v / pivot;
    }
    l[p] = pivot;
    chosen[p] = 1;
    for (let i = 0; i < d; i++) if (!chosen[i]) residual[i] -= l[i] * l[i];
    columns.push(l);
  }
  const r = columns.length;
  if (r === 0) return 0;
  const a = new Float64Array(r * d);
  columns.forEach((c, j) => a.set(c, j * d));
  const t = dotProducts(a, r, sigma2, d, d);
  const m = dotProducts(a, r, t, r, d, true);
  return traceSqrtSymmetric(m, r);
}

/**
 * FID from precomputed statistics: ‖μ₁−μ₂‖² + Tr(Σ₁) + Tr(Σ₂) −
 * 2·Tr((Σ₁^½ Σ₂ Σ₁^½)^½), in float64.
 *
 * @param a Statistics of the first set (e.g. cached real test features).
 * @param b Statistics of the second set.
 * @param options How to compute the trace term (default: automatic) and
 *   whether N ≤ d is allowed (default: refused).
 * @returns The Fréchet distance (≥ 0 up to rounding).
 * @throws {Error} When the dimensions differ or are inconsistent, when a
 *   set has N ≤ d without `allowSingular`, or when `method: "cholesky"`
 *   meets a first covariance that is not positive definite.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { featureStats, fidFromStats } from "./fid.ts";
 * import assert from "node:assert/strict";
 * await tf.ready();
 * const real = tf.randomNormal([200, 8], 0, 1, "float32", 1) as tf.Tensor2D;
 * const fake = tf.randomNormal([200, 8], 1, 1, "float32", 2) as tf.Tensor2D;
 * const realStats = await featureStats(real); // compute once, reuse
 * const value = fidFromStats(realStats, await featureStats(fake));
 * assert.ok(value > 6 && value < 10, `${value}`); // ≈ 8 × 1² (mean shift)
 * tf.dispose([real, fake]);
 * ```
 */
export function fidFromStats(
  a: FeatureStats,
  b: FeatureStats,
  options: FidOptions = {},
): number {
  const method = options.method ?? "auto";
  if (a.d !== b.d) {
    throw new Error(
      `fid: feature dimensions differ: ${a.d} vs ${b.d}`,
    );
  }
  const d = a.d;
  if (a.mu.length !== d || a.sigma.length !== d * d) {
    throw new Error(
      `fid: first statistics are inconsistent with d = ${d}`,
    );
  }
  if (b.mu.length !== d || b.sigma.length !== d * d) {
    throw new Error(
      `fid: second statistics are inconsistent with d = ${d}`,
    );
  }
  checkRank(a, b, options.allowSingular ?? false);
  let meanTerm = 0;
  let trace = 0;
  for (let i = 0; i < d; i++) {
    const diff = a.mu[i] - b.mu[i];
    meanTerm += diff * diff;
    trace += a.sigma[i * d + i] + b.sigma[i * d + i];
  }
  let cross: number | null = null;
  if (method !== "eigen") {
    cross = traceSqrtProduct(a.sigma, b.sigma, d);
    if (cross === null && method === "cholesky") {
      throw new Error(
        "fid: method 'cholesky' needs a positive definite first covariance; use 'auto' or 'eigen'",
      );
    }
  }
  if (cross === null && a.n <= d && method !== "eigen") {
    // Σ₁ from N ≤ d samples has rank < d: factor it at its rank.
    cross = traceSqrtProductLowRank(a.sigma, b.sigma, d);
  }
  if (cross === null) cross = traceSqrtProductEigen(a.sigma, b.sigma, d);
  return meanTerm + trace - 2 * cross;
}

/**
 * Fréchet Inception Distance between two feature sets (rows = samples),
 * covariances with N−1, computed in float64 on the CPU.
 *
 * @param featuresA `[N₁, d]` features of the first set (not disposed).
 * @param featuresB `[N₂, d]` features of the second set (not disposed).
 * @param options As for {@linkcode fidFromStats}: N ≤ d is refused unless
 *   `allowSingular`.
 * @returns The Fréchet distance.
 * @throws {Error} When the shapes differ or are not 2-D, or N ≤ d without
 *   `allowSingular`.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { fid } from "./fid.ts";
 * import assert from "node:assert/strict";
 * await tf.ready();
 * const a = tf.randomNormal([500, 16], 0, 1, "float32", 1) as tf.Tensor2D;
 * const value = await fid(a, a);
 * assert.ok(Math.abs(value) < 1e-6, `${value}`); // 0 up to rounding
 * a.dispose();
 * ```
 */
export async function fid(
  featuresA: tf.Tensor2D,
  featuresB: tf.Tensor2D,
  options: FidOptions = {},
): Promise<number> {
  if (featuresA.rank !== 2 || featuresB.rank !== 2) {
    throw new Error(
      `fid: features must be 2-D [N, d], got shapes [${featuresA.shape}] and [${featuresB.shape}]`,
    );
  }
  if (featuresA.shape[1] !== featuresB.shape[1]) {
    throw new Error(
      `fid: feature dimensions differ: shapes [${featuresA.shape}] and [${featuresB.shape}]`,
    );
  }
  return fidFromStats(
    await featureStats(featuresA),
    await featureStats(featuresB),
    options,
  );
}
