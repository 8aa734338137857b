/**
 * How much of its feature layer an evaluator uses: the share of live units
 * (units that fire, > 0, on at least one image) and the effective rank of
 * the features' covariance. FID compares Gaussians fitted in this space, so
 * dead units and a low rank mean it sees only a small subspace.
 *
 * @module
 */
import { meanAndCovariance } from "../_covariance.ts";
import { symmetricEigen } from "../_symmetric_eigen.ts";

/** What a feature layer uses of itself on a set of images. */
export interface FeatureLayerStats {
  /** Images measured. */
  images: number;
  /** Units of the layer. */
  units: number;
  /** Units with a positive value on at least one image. */
  liveUnits: number;
  /** `liveUnits / units`. */
  liveShare: number;
  /**
   * Effective rank of the covariance (Roy & Vetterli 2007): exp of the
   * entropy of its eigenvalues normalised to sum 1; d for isotropic
   * features, 1 when one direction holds all the variance.
   */
  effectiveRank: number;
  /** Eigenvalues above 1e-6 of the largest: the numerical rank. */
  numericalRank: number;
}

/**
 * Live share and covariance rank of a feature matrix.
 *
 * @param features Row-major `[n, d]` features (n ≥ 2).
 * @param n The number of images.
 * @returns The statistics; throws a one-line error on a size mismatch.
 * @example
 * ```ts
 * import { featureLayerStats } from "./feature_layer_stats.ts";
 * // Unit 1 never fires; unit 0 varies: 1 live unit, rank 1.
 * const s = featureLayerStats(new Float32Array([1, 0, 2, 0, 3, 0]), 3);
 * [s.liveUnits, s.numericalRank, s.effectiveRank]; // [1, 1, 1]
 * ```
 */
export function featureLayerStats(
  features: ArrayLike<number>,
  n: number,
): FeatureLayerStats {
  const d = features.length / n;
  if (!(n >= 2) || !Number.isInteger(d) || d < 1) {
    throw new Error(
      `featureLayerStats: ${features.length} values are not n = ${n} ≥ 2 rows`,
    );
  }
  let liveUnits = 0;
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < n; i++) {
      if (features[i * d + j] > 0) {
        liveUnits++;
        break;
      }
    }
  }
  const cov = meanAndCovariance(features, n, d).sigma;
  const eigen = symmetricEigen(cov, d, false).values;
  const positive = Array.from(eigen).filter((v) => v > 0);
  const total = positive.reduce((s, v) => s + v, 0);
  const largest = positive.length > 0 ? Math.max(...positive) : 0;
  let entropy = 0;
  for (const v of positive) entropy -= (v / total) * Math.log(v / total);
  return {
    images: n,
    units: d,
    liveUnits,
    liveShare: liveUnits / d,
    effectiveRank: total > 0 ? Math.exp(entropy) : 0,
    numericalRank: positive.filter((v) => v > largest * 1e-6).length,
  };
}
