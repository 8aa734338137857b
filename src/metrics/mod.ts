/**
 * GAN metrics of ganbench (DESIGN.md §4): FID, Inception Score, KID, PSNR,
 * SSIM, nearest-neighbour fidelity, SSIM diversity and the discriminator
 * equilibrium statistics. Images are in [0, 1] (see {@linkcode toUnitRange}).
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { fid, ssim } from "./mod.ts";
 * await tf.ready();
 * const a = tf.randomUniform([4, 16, 16, 3], 0, 1, "float32", 1) as tf.Tensor4D;
 * const values = await ssim(a, a); // [1, 1, 1, 1]
 * const f = tf.randomNormal([64, 4], 0, 1, "float32", 2) as tf.Tensor2D;
 * const zero = await fid(f, f); // ≈ 0
 * tf.dispose([a, f]);
 * ```
 *
 * @module
 */
export {
  type FeatureStats,
  featureStats,
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
export { kid, type KidOptions, kidSubsets } from "./kid.ts";
export { psnr, type PsnrOptions } from "./psnr.ts";
export { ssim, type SsimOptions } from "./ssim.ts";
export {
  equilibrium,
  equilibriumDLoss,
  type EquilibriumInput,
  type EquilibriumStats,
  type LossId,
  rocAuc,
} from "./equilibrium.ts";
export {
  type NearestFidelity,
  nearestNeighbours,
  type NearestOptions,
  psnrSsimNearest,
} from "./nearest.ts";
export {
  diversityPairs,
  ssimDiversity,
  type SsimDiversityOptions,
} from "./ssim_diversity.ts";
export { toUnitRange } from "./range.ts";
