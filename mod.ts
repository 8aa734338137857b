/**
 * ganbench: a benchmark and metrics harness for generative adversarial
 * networks on TensorFlow.js. This module is the library side: the GAN
 * metrics (FID, Inception Score, KID, PSNR, SSIM, mode coverage, label
 * accuracy, discriminator equilibrium), the backend set-up, the data loaders, the variant and loss
 * registries and the trainer. The command line lives in `src/cli/main.ts`.
 *
 * Every metric works on any TF.js backend with no set-up beyond
 * `await tf.ready()`; use the `tf` exported here so tensors are built on the
 * same engine.
 *
 * @example
 * ```ts
 * import { fid, inceptionScore, kid, psnr, ssim, tf } from "./mod.ts";
 * import "@tensorflow/tfjs-backend-cpu";
 * await tf.ready();
 *
 * const a = tf.randomUniform([4, 16, 16, 1], 0, 1, "float32", 1) as tf.Tensor4D;
 * const b = tf.clipByValue(tf.add(a, 0.05), 0, 1) as tf.Tensor4D;
 * const [p] = await psnr(a, b); // ≈ 26 dB
 * const [s] = await ssim(a, a); // 1
 *
 * const f1 = tf.randomNormal([200, 8], 0, 1, "float32", 2) as tf.Tensor2D;
 * const f2 = tf.randomNormal([200, 8], 0.5, 1, "float32", 3) as tf.Tensor2D;
 * const distance = await fid(f1, f2); // ≈ 8 × 0.5² = 2
 * const { mean } = await kid(f1, f2, { subsets: 10, subsetSize: 100, seed: 0 });
 * const probs = tf.softmax(tf.randomNormal([100, 10], 0, 3, "float32", 4)) as tf.Tensor2D;
 * const is = await inceptionScore(probs, { splits: 10 });
 * tf.dispose([a, b, f1, f2, probs]);
 * ```
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/** The TF.js namespace ganbench uses: build tensors on this engine. */
export { tf };

export {
  classCounts,
  copyRate,
  diversityPairs,
  equilibrium,
  featureStats,
  fid,
  fidFromStats,
  inceptionScore,
  kid,
  kidSubsets,
  labelAccuracy,
  meanStd,
  modeCoverage,
  nearestDistances,
  nearestNeighbours,
  prdc,
  prdcReal,
  predictedClasses,
  psnr,
  psnrSsimNearest,
  quantile,
  rocAuc,
  ssim,
  ssimDiversity,
  toUnitRange,
} from "./src/metrics/mod.ts";
export type {
  EquilibriumInput,
  EquilibriumLoss,
  EquilibriumStats,
  FeatureStats,
  FeatureStatsOptions,
  FidOptions,
  InceptionScoreOptions,
  KidOptions,
  MeanStd,
  ModeCoverage,
  ModeCoverageOptions,
  NearestFidelity,
  NearestOptions,
  Prdc,
  PrdcOptions,
  PrdcReal,
  PsnrOptions,
  SsimDiversityOptions,
  SsimOptions,
} from "./src/metrics/mod.ts";

export {
  BACKEND_CHOICES,
  backendAvailability,
  backendInfo,
  deviceDescription,
  initBackend,
} from "./src/backend/mod.ts";
export type { BackendChoice, BackendInfo } from "./src/backend/mod.ts";

export { DATASET_IDS, loadDataset } from "./src/data/registry.ts";
export type { DatasetId } from "./src/data/registry.ts";
export type {
  Dataset,
  ImageShape,
  LoadOptions,
  Split,
} from "./src/data/types.ts";

export { loadEvaluator } from "./src/metrics/evaluators/load.ts";
export type { Evaluator } from "./src/metrics/evaluators/types.ts";

export { getVariant, VARIANT_IDS } from "./src/models/registry.ts";
export type { VariantId } from "./src/models/registry.ts";
export { getLoss, LOSS_IDS, resolvePair } from "./src/losses/registry.ts";
export type { LossId } from "./src/losses/registry.ts";
export { trainCell } from "./src/train/trainer.ts";
export type {
  CellOutcome,
  TrainCellOptions,
  TrainConfig,
} from "./src/train/trainer.ts";
export { VERSION } from "./src/util/version.ts";
