/**
 * The memorisation test (docs/metrics.md#memorisation): how many generated
 * samples lie closer to some training image than almost any held-out real
 * image does. Nearest neighbours are searched over the WHOLE train split,
 * in evaluator-feature space (train features cached on disk) and in pixel
 * space (images average-pooled by {@linkcode pixelFactor} to keep the
 * search cheap on CPU backends). The reference distribution, computed once
 * per run, is the nearest-train distance of real test images; its 1st
 * percentile is the copy threshold.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { fixedSubset } from "../data/sampler.ts";
import type { Dataset } from "../data/types.ts";
import {
  copyRate,
  nearestDistances,
  quantile,
} from "../metrics/nearest_train.ts";
import { imagesAt } from "../train/real_batch.ts";
import { featuresInChunks, nativeShape, REAL_SUBSET_SEED } from "./sampling.ts";
import { cachedTrainFeatures } from "./train_feature_cache.ts";
import type { EvaluatorNetwork, IntervalMetrics } from "./types.ts";

/** The copy threshold's level: the 1st percentile of test-to-train distances. */
export const COPY_QUANTILE = 0.01;

/**
 * The fewest test images in the reference sample (when the split has them):
 * the 1st percentile of fewer is little more than their minimum.
 */
export const MIN_REFERENCE = 1000;

/** What the memorisation test keeps between intervals. */
export interface MemorisationReference {
  /** Evaluator features of every train image, `[train count, d]`. */
  trainFeatures: tf.Tensor2D;
  /** Every train image in [0, 1], pooled by `factor`, flattened. */
  trainPixels: tf.Tensor2D;
  /** Side of the square average pooling of pixel space (1: none). */
  factor: number;
  /** Test images in the reference sample. */
  nReference: number;
  /** Copy threshold in feature space (1st percentile of test distances). */
  featThreshold: number;
  /** Copy threshold in (pooled) pixel space. */
  pixelThreshold: number;
  /** Median nearest-train feature distance of the test images. */
  featMedian: number;
}

/** Nearest-train distances of a batch, in both spaces. */
export interface TrainDistances {
  /** Feature-space Euclidean distances. */
  feature: Float32Array;
  /** Pooled pixel-space Euclidean distances ([0, 1] pixels). */
  pixel: Float32Array;
}

/**
 * The pooling side for pixel space: 4 when both sides divide by 4 and stay
 * at least 7 pixels (MNIST 28 → 7, CIFAR-10 32 → 8), else 2 on the same
 * terms (synthetic 16 → 8), else 1. Pooling keeps an exact copy at
 * distance 0, and ‖x − y‖² ≥ f²·‖pool(x) − pool(y)‖², so every full-
 * resolution near copy is a near copy after pooling too.
 *
 * @param dataset The data set (its height and width).
 * @returns 4, 2 or 1.
 * @example
 * ```ts
 * import { pixelFactor } from "./memorisation.ts";
 * import { loadDataset } from "../data/registry.ts";
 * pixelFactor(await loadDataset("mnist")); // 4
 * ```
 */
export function pixelFactor(dataset: Dataset): number {
  for (const f of [4, 2]) {
    if (
      dataset.height % f === 0 && dataset.width % f === 0 &&
      Math.min(dataset.height, dataset.width) / f >= 7
    ) return f;
  }
  return 1;
}

/**
 * Images in [0, 1] as the pixel-space rows: average-pooled by `factor`,
 * flattened.
 *
 * @param unit `[n, H, W, C]` images in [0, 1] (not disposed).
 * @param factor The pooling side.
 * @returns `[n, (H/f)·(W/f)·C]` (caller disposes).
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { pixelRows } from "./memorisation.ts";
 * const rows = pixelRows(tf.ones([2, 28, 28, 1]) as tf.Tensor4D, 4);
 * rows.shape; // [2, 49]
 * rows.dispose();
 * ```
 */
export function pixelRows(unit: tf.Tensor4D, factor: number): tf.Tensor2D {
  return tf.tidy(() => {
    const pooled = factor > 1
      ? tf.avgPool(unit, factor, factor, "valid")
      : unit;
    return tf.reshape(pooled, [unit.shape[0], -1]) as tf.Tensor2D;
  });
}

/** Every train image in [0, 1], pooled, made in chunks of 5000. */
function trainPixelRows(dataset: Dataset, factor: number): tf.Tensor2D {
  const native = nativeShape(dataset);
  const parts: tf.Tensor2D[] = [];
  for (let start = 0; start < dataset.train.count; start += 5000) {
    const end = Math.min(dataset.train.count, start + 5000);
    const idx = Int32Array.from({ length: end - start }, (_, i) => start + i);
    parts.push(tf.tidy(() => {
      const images = imagesAt(dataset, dataset.train, idx, native);
      return pixelRows(tf.div(tf.add(images, 1), 2) as tf.Tensor4D, factor);
    }));
  }
  const all = tf.concat(parts) as tf.Tensor2D;
  tf.dispose(parts);
  return all;
}

/**
 * Nearest-train distances of a batch of images in both spaces.
 *
 * @param unit `[n, H, W, C]` images in [0, 1] (not disposed).
 * @param features Their evaluator features `[n, d]` (not disposed).
 * @param reference The prepared train pools.
 * @returns Feature- and pixel-space distances.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { trainDistances } from "./memorisation.ts";
 * import type { MemorisationReference } from "./memorisation.ts";
 * declare const reference: MemorisationReference;
 * declare const unit: tf.Tensor4D, features: tf.Tensor2D;
 * const d = await trainDistances(unit, features, reference);
 * d.feature.length === unit.shape[0]; // true
 * ```
 */
export async function trainDistances(
  unit: tf.Tensor4D,
  features: tf.Tensor2D,
  reference: Pick<
    MemorisationReference,
    "trainFeatures" | "trainPixels" | "factor"
  >,
): Promise<TrainDistances> {
  const feature = (await nearestDistances(features, reference.trainFeatures))
    .distances;
  const rows = pixelRows(unit, reference.factor);
  try {
    const pixel = (await nearestDistances(rows, reference.trainPixels))
      .distances;
    return { feature, pixel };
  } finally {
    rows.dispose();
  }
}

/**
 * Prepares the memorisation test once per run: the train features (cached
 * on disk), the pooled train pixels, and the copy thresholds from the
 * nearest-train distances of `nReference` fixed real test images.
 *
 * @param dataset The data set.
 * @param evaluator The evaluator network.
 * @param nReference Test images in the reference sample: at least
 *   {@linkcode MIN_REFERENCE}, at most the test count.
 * @param cacheDir Where the train features are cached (none: no cache).
 * @returns The reference; free it with {@linkcode disposeMemorisation}.
 * @example
 * ```ts
 * import { disposeMemorisation, prepareMemorisation } from "./memorisation.ts";
 * import { loadDataset } from "../data/registry.ts";
 * import type { EvaluatorNetwork } from "./types.ts";
 * declare const evaluator: EvaluatorNetwork; // e.g. from `loadEvaluator`
 * const ref = await prepareMemorisation(await loadDataset("mnist"), evaluator, 1000);
 * ref.featThreshold; // 1st percentile of test-to-train feature distances
 * disposeMemorisation(ref);
 * ```
 */
export async function prepareMemorisation(
  dataset: Dataset,
  evaluator: EvaluatorNetwork,
  nReference: number,
  cacheDir?: string,
): Promise<MemorisationReference> {
  const factor = pixelFactor(dataset);
  const trainFeatures = await cachedTrainFeatures(dataset, evaluator, cacheDir);
  const trainPixels = trainPixelRows(dataset, factor);
  const n = Math.min(Math.max(nReference, MIN_REFERENCE), dataset.test.count);
  const idx = fixedSubset(dataset.test.count, n, REAL_SUBSET_SEED + 6);
  const native = nativeShape(dataset);
  const testFeatures = featuresInChunks(
    evaluator,
    (start, end) =>
      imagesAt(dataset, dataset.test, idx.subarray(start, end), native),
    n,
  );
  const unit = tf.tidy(() =>
    tf.div(tf.add(imagesAt(dataset, dataset.test, idx, native), 1), 2)
  ) as tf.Tensor4D;
  try {
    const d = await trainDistances(unit, testFeatures, {
      trainFeatures,
      trainPixels,
      factor,
    });
    return {
      trainFeatures,
      trainPixels,
      factor,
      nReference: n,
      featThreshold: quantile(d.feature, COPY_QUANTILE),
      pixelThreshold: quantile(d.pixel, COPY_QUANTILE),
      featMedian: quantile(d.feature, 0.5),
    };
  } finally {
    tf.dispose([testFeatures, unit]);
  }
}

/**
 * The memorisation columns of one interval: `copy_rate` (pooled pixel
 * space), `copy_rate_feat` (feature space) and `nn_dist_ratio` (median
 * nearest-train feature distance of the fakes over that of the test
 * images).
 *
 * @param unit `[n, H, W, C]` fakes in [0, 1] (not disposed).
 * @param features Their evaluator features `[n, d]` (not disposed).
 * @param reference The prepared reference.
 * @returns The three columns.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { memorisationMetrics } from "./memorisation.ts";
 * import type { MemorisationReference } from "./memorisation.ts";
 * declare const reference: MemorisationReference;
 * declare const unit: tf.Tensor4D, features: tf.Tensor2D;
 * const m = await memorisationMetrics(unit, features, reference);
 * m.copy_rate_feat; // share of fakes closer to train than 99 % of test images
 * ```
 */
export async function memorisationMetrics(
  unit: tf.Tensor4D,
  features: tf.Tensor2D,
  reference: MemorisationReference,
): Promise<IntervalMetrics> {
  const d = await trainDistances(unit, features, reference);
  return {
    copy_rate: copyRate(d.pixel, reference.pixelThreshold),
    copy_rate_feat: copyRate(d.feature, reference.featThreshold),
    nn_dist_ratio: quantile(d.feature, 0.5) / reference.featMedian,
  };
}

/**
 * Frees the reference's tensors.
 *
 * @param reference The prepared reference.
 * @example
 * ```ts
 * import { disposeMemorisation } from "./memorisation.ts";
 * import type { MemorisationReference } from "./memorisation.ts";
 * declare const reference: MemorisationReference;
 * disposeMemorisation(reference);
 * ```
 */
export function disposeMemorisation(reference: MemorisationReference): void {
  tf.dispose([reference.trainFeatures, reference.trainPixels]);
}
