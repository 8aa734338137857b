/**
 * The real-data side of the evaluation, prepared once per (data set,
 * evaluator, sizes): the test features and their statistics, `fid_floor`,
 * `ssim_div_real` and the nearest-neighbour pool.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { fixedSubset } from "../data/sampler.ts";
import type { Dataset } from "../data/types.ts";
import {
  featureStats,
  fidFromStats,
  ssimDiversity,
  toUnitRange,
} from "../metrics/mod.ts";
import type { FeatureStats } from "../metrics/mod.ts";
import type { EvaluationSizes } from "../spec/types.ts";
import { imagesAt } from "../train/real_batch.ts";
import { cachedTestFeatures } from "./feature_cache.ts";
import { featuresInChunks, nativeShape, REAL_SUBSET_SEED } from "./sampling.ts";
import type { EvaluatorNetwork } from "./types.ts";

/** What the evaluation keeps of the real data between intervals. */
export interface RealData {
  /** Statistics of the evaluator features of the whole test split. */
  realStats: FeatureStats;
  /** The test features themselves (KID), `[test count, d]`. */
  testFeatures: tf.Tensor2D;
  /** FID of nEval real train images vs the test statistics. */
  fidFloor: number;
  /** Mean SSIM over random pairs of real test images (any class). */
  ssimDivReal: number;
  /** The same, pairs within a class (reported for conditional variants). */
  ssimDivRealSameClass: number;
  /** Real train images in [0, 1], the nearest-neighbour pool. */
  pool: tf.Tensor4D;
}

/**
 * Prepares the real-data side of the evaluation (see
 * {@linkcode cachedTestFeatures} for the on-disk feature cache).
 *
 * @param dataset The data set.
 * @param evaluator The evaluator network.
 * @param sizes The evaluation sizes.
 * @param cacheDir Where real features are cached (none: no cache).
 * @returns The prepared real data; dispose `testFeatures` and `pool`.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { prepareRealData } from "./real_data.ts";
 * import { loadDataset } from "../data/registry.ts";
 * import type { EvaluationSizes } from "../spec/types.ts";
 * import type { EvaluatorNetwork } from "./types.ts";
 * declare const evaluator: EvaluatorNetwork; // e.g. from `loadEvaluator`
 * declare const sizes: EvaluationSizes; // e.g. a cell's `config.evaluation`
 * const real = await prepareRealData(await loadDataset("mnist"), evaluator, sizes);
 * real.fidFloor; // FID of real train images vs the test split
 * tf.dispose([real.testFeatures, real.pool]);
 * ```
 */
export async function prepareRealData(
  dataset: Dataset,
  evaluator: EvaluatorNetwork,
  sizes: EvaluationSizes,
  cacheDir?: string,
): Promise<RealData> {
  const testFeatures = await cachedTestFeatures(dataset, evaluator, cacheDir);
  const realStats = await featureStats(testFeatures);
  const fidFloor = await trainFid(dataset, evaluator, sizes.nEval, realStats);
  const poolIdx = fixedSubset(
    dataset.train.count,
    Math.min(sizes.nNeighbourPool, dataset.train.count),
    REAL_SUBSET_SEED + 3,
  );
  const native = nativeShape(dataset);
  const pool = tf.tidy(() =>
    toUnitRange(imagesAt(dataset, dataset.train, poolIdx, native))
  );
  const diversity = await realDiversity(dataset, sizes.nSsimPairs);
  return { realStats, testFeatures, fidFloor, pool, ...diversity };
}

/** FID of `nEval` fixed real train images against the test statistics. */
async function trainFid(
  dataset: Dataset,
  evaluator: EvaluatorNetwork,
  nEval: number,
  realStats: FeatureStats,
): Promise<number> {
  const native = nativeShape(dataset);
  const trainIdx = fixedSubset(dataset.train.count, nEval, REAL_SUBSET_SEED);
  const trainFeatures = featuresInChunks(
    evaluator,
    (start, end) =>
      imagesAt(dataset, dataset.train, trainIdx.subarray(start, end), native),
    trainIdx.length,
  );
  const fidFloor = fidFromStats(await featureStats(trainFeatures), realStats);
  trainFeatures.dispose();
  return fidFloor;
}

/** SSIM diversity of real test images, any class and within a class. */
async function realDiversity(
  dataset: Dataset,
  nSsimPairs: number,
): Promise<{ ssimDivReal: number; ssimDivRealSameClass: number }> {
  const divIdx = fixedSubset(
    dataset.test.count,
    Math.min(dataset.test.count, 4 * nSsimPairs),
    REAL_SUBSET_SEED + 4,
  );
  const native = nativeShape(dataset);
  const divImages = tf.tidy(() =>
    toUnitRange(imagesAt(dataset, dataset.test, divIdx, native))
  );
  const divLabels = Array.from(divIdx, (i) => dataset.test.labels[i]);
  try {
    const ssimDivReal = await ssimDiversity(divImages, {
      pairs: nSsimPairs,
      seed: 1,
    });
    const ssimDivRealSameClass = await ssimDiversity(divImages, {
      pairs: nSsimPairs,
      seed: 1,
      labels: divLabels,
    });
    return { ssimDivReal, ssimDivRealSameClass };
  } finally {
    divImages.dispose();
  }
}
