/**
 * The real-data side of the evaluation, prepared once per (data set,
 * evaluator, sizes): the test features and their statistics, `fid_floor`,
 * `ssim_div_real`, the nearest-neighbour pool and the memorisation
 * reference (memorisation.ts).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { fixedSubset } from "../data/sampler.ts";
import type { Dataset } from "../data/types.ts";
import {
  featureStats,
  kidReference,
  prdcReal,
  ssimDiversity,
  toUnitRange,
} from "../metrics/mod.ts";
import type { FeatureStats, KidReference, PrdcReal } from "../metrics/mod.ts";
import type { EvaluationSizes } from "../spec/types.ts";
import { imagesAt } from "../train/real_batch.ts";
import { cachedTestPredictions } from "./feature_cache.ts";
import { fidFloor } from "./fid_floor.ts";
import { kidSettings } from "./kid_settings.ts";
import { prepareMemorisation } from "./memorisation.ts";
import type { MemorisationReference } from "./memorisation.ts";
import { nativeShape, REAL_SUBSET_SEED } from "./sampling.ts";
import type { EvaluatorNetwork } from "./types.ts";

/** What the evaluation keeps of the real data between intervals. */
export interface RealData {
  /** Statistics of the evaluator features of the test split (or `nReal` of it). */
  realStats: FeatureStats;
  /** The test features themselves (KID), `[test count, d]`. */
  testFeatures: tf.Tensor2D;
  /**
   * The evaluator's predicted-class counts of the same test images: the
   * real class histogram of `class_kl`.
   */
  realClassCounts: number[];
  /**
   * FID of nEval real train images vs the test statistics, mean over
   * training subsets (fid_floor.ts).
   */
  fidFloor: number;
  /** Sample std of that FID over the subsets. */
  fidFloorStd: number;
  /** KID's K_YY terms of the test features, for every interval's `kid`. */
  kidReference: KidReference;
  /**
   * The real side of precision/recall (k = 3) and density/coverage (k = 5):
   * the test features' radii; none when the test set is too small for k.
   */
  prdcReference?: PrdcReal;
  /** Mean SSIM over random pairs of real test images (any class). */
  ssimDivReal: number;
  /** The same, pairs within a class (reported for conditional variants). */
  ssimDivRealSameClass: number;
  /** Real train images in [0, 1], the nearest-neighbour pool. */
  pool: tf.Tensor4D;
  /** The whole train split and copy thresholds of the memorisation test (none when off). */
  memorisation?: MemorisationReference;
}

/**
 * Prepares the real-data side of the evaluation (see
 * {@linkcode cachedTestPredictions} for the on-disk feature cache).
 *
 * @param dataset The data set.
 * @param evaluator The evaluator network.
 * @param sizes The evaluation sizes.
 * @param cacheDir Where real features are cached (none: no cache).
 * @returns The prepared real data; dispose `testFeatures` and `pool`, and
 *   free `memorisation` with `disposeMemorisation`.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { prepareRealData } from "./real_data.ts";
 * import { disposeMemorisation } from "./memorisation.ts";
 * import { loadDataset } from "../data/registry.ts";
 * import type { EvaluationSizes } from "../spec/types.ts";
 * import type { EvaluatorNetwork } from "./types.ts";
 * declare const evaluator: EvaluatorNetwork; // e.g. from `loadEvaluator`
 * declare const sizes: EvaluationSizes; // e.g. a cell's `config.evaluation`
 * const real = await prepareRealData(await loadDataset("mnist"), evaluator, sizes);
 * real.fidFloor; // FID of real train images vs the test split
 * tf.dispose([real.testFeatures, real.pool]);
 * if (real.memorisation) disposeMemorisation(real.memorisation);
 * ```
 */
export async function prepareRealData(
  dataset: Dataset,
  evaluator: EvaluatorNetwork,
  sizes: EvaluationSizes,
  cacheDir?: string,
): Promise<RealData> {
  const { features: testFeatures, classCounts: realClassCounts } =
    await cachedTestPredictions(dataset, evaluator, cacheDir, sizes.nReal);
  const realStats = await featureStats(testFeatures);
  const floor = await fidFloor(dataset, evaluator, sizes, realStats);
  const kidReal = await kidReference(
    testFeatures,
    sizes.nEval,
    kidSettings(sizes),
  );
  const prdcReference = testFeatures.shape[0] > 5
    ? await prdcReal(testFeatures, { kPr: 3, kDc: 5 })
    : undefined;
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
  // Reference: as many test images as fakes are searched (at least 1000,
  // at most the split).
  const memorisation = sizes.memorisation === "off"
    ? undefined
    : await prepareMemorisation(dataset, evaluator, sizes.nNeighbour, cacheDir);
  return {
    memorisation,
    realStats,
    testFeatures,
    realClassCounts,
    fidFloor: floor.mean,
    fidFloorStd: floor.std,
    kidReference: kidReal,
    prdcReference,
    pool,
    ...diversity,
  };
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
