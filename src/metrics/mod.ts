/**
 * GAN metrics of ganbench (docs/metrics.md): FID, Inception Score, KID, PSNR,
 * SSIM, nearest-neighbour PSNR/SSIM, memorisation (nearest-train distances
 * and copy rate), SSIM diversity, mode coverage and label
 * accuracy, and the discriminator equilibrium statistics. Images are in [0, 1] (see {@linkcode toUnitRange}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { fid, ssim } from "./mod.ts";
 * await tf.setBackend("cpu");
 * const a = tf.randomUniform([4, 16, 16, 3], 0, 1, "float32", 1) as tf.Tensor4D;
 * const values = await ssim(a, a);
 * assert.equal(values.length, 4);
 * for (const v of values) assert.ok(Math.abs(v - 1) < 1e-6);
 * const f = tf.randomNormal([64, 4], 0, 1, "float32", 2) as tf.Tensor2D;
 * assert.ok(Math.abs(await fid(f, f)) < 1e-6);
 * tf.dispose([a, f]);
 * ```
 *
 * @module
 */
export {
  type FeatureStats,
  featureStats,
  type FeatureStatsOptions,
  fid,
  fidFromStats,
  type FidOptions,
} from "./fid.ts";
export {
  inceptionScore,
  type InceptionScoreOptions,
  type MeanStd,
  meanStd,
} from "./inception_score.ts";
export {
  kid,
  type KidOptions,
  type KidReference,
  kidReference,
  type KidResult,
  kidSubsets,
} from "./kid.ts";
export { psnr, type PsnrOptions } from "./psnr.ts";
export { ssim, type SsimOptions } from "./ssim.ts";
export {
  equilibrium,
  type EquilibriumInput,
  type EquilibriumLoss,
  type EquilibriumStats,
  rocAuc,
} from "./equilibrium.ts";
export {
  type NearestFidelity,
  nearestNeighbours,
  type NearestOptions,
  psnrSsimNearest,
} from "./nearest.ts";
export {
  copyRate,
  type NearestDistanceOptions,
  type NearestDistances,
  nearestDistances,
  type PoolSource,
  quantile,
} from "./nearest_train.ts";
export {
  diversityPairs,
  ssimDiversity,
  type SsimDiversityOptions,
} from "./ssim_diversity.ts";
export { toUnitRange } from "./range.ts";
export {
  classCounts,
  labelAccuracy,
  type ModeCoverage,
  modeCoverage,
  type ModeCoverageOptions,
  predictedClasses,
} from "./mode_coverage.ts";
export {
  type FeatureInput,
  type Prdc,
  prdc,
  type PrdcOptions,
  type PrdcReal,
  prdcReal,
} from "./prdc.ts";
