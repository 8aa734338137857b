/**
 * The fixed inputs of the evaluation and how they are fed through the
 * networks: the evaluation noise and seeds, balanced labels for fakes, the
 * native image shape, and chunked evaluator passes.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Dataset } from "../data/types.ts";
import type { ImageShape } from "../models/types.ts";
import type { EvaluatorNetwork } from "./types.ts";

/** Seed of the fixed evaluation noise: identical for every cell of a data set. */
export const EVAL_NOISE_SEED = 20_181_121;
/** Seed of the fixed real subsets (pool, fid_floor, equilibrium reals). */
export const REAL_SUBSET_SEED = 7;
/** Images per forward pass through G, D and the evaluator. */
export const EVAL_CHUNK = 250;

/**
 * The native image shape of a data set.
 *
 * @param dataset The data set.
 * @returns Its height, width and channels.
 * @example
 * ```ts
 * import { nativeShape } from "./sampling.ts";
 * import { loadDataset } from "../data/registry.ts";
 * nativeShape(await loadDataset("synthetic")); // { height: 16, width: 16, channels: 1 }
 * ```
 */
export function nativeShape(dataset: Dataset): ImageShape {
  return {
    height: dataset.height,
    width: dataset.width,
    channels: dataset.channels,
  };
}

/**
 * Rows `start … end−1` of the fixed evaluation noise: the same numbers for
 * every cell of a data set, whatever the chunking (each block of
 * {@linkcode EVAL_CHUNK} rows is seeded by its index).
 *
 * @param start First row.
 * @param end One past the last row.
 * @param zDim Noise length.
 * @returns `[end − start, zDim]` standard normal noise.
 * @example
 * ```ts
 * import { evalNoise } from "./sampling.ts";
 * const z = evalNoise(240, 260, 100); // rows 240 … 259, across two blocks
 * z.shape; // [20, 100]
 * z.dispose();
 * ```
 */
export function evalNoise(
  start: number,
  end: number,
  zDim: number,
): tf.Tensor2D {
  return tf.tidy(() => {
    const rows: tf.Tensor[] = [];
    for (let i = start; i < end;) {
      const block = Math.floor(i / EVAL_CHUNK);
      const full = tf.randomNormal(
        [EVAL_CHUNK, zDim],
        0,
        1,
        "float32",
        EVAL_NOISE_SEED + block,
      );
      const from = i - block * EVAL_CHUNK;
      const to = Math.min(end - block * EVAL_CHUNK, EVAL_CHUNK);
      rows.push(tf.slice(full, [from, 0], [to - from, zDim]));
      // On to the next block's first row (a start may be unaligned).
      i = (block + 1) * EVAL_CHUNK;
    }
    return tf.concat(rows) as tf.Tensor2D;
  });
}

/**
 * Balanced labels for fakes: sample i gets class i mod numClasses.
 *
 * @param start First sample index.
 * @param end One past the last.
 * @param numClasses Number of classes.
 * @returns Int32 labels.
 * @example
 * ```ts
 * import { balancedLabels } from "./sampling.ts";
 * const labels = balancedLabels(8, 12, 10);
 * labels.dataSync(); // [8, 9, 0, 1]
 * labels.dispose();
 * ```
 */
export function balancedLabels(
  start: number,
  end: number,
  numClasses: number,
): tf.Tensor1D {
  return tf.tensor1d(
    Array.from({ length: end - start }, (_, k) => (start + k) % numClasses),
    "int32",
  );
}

/**
 * Runs the evaluator over `count` images made chunk by chunk, so that only
 * one chunk of images is alive at a time.
 *
 * @param evaluator The evaluator network.
 * @param images Makes the images `start … end−1` (disposed here).
 * @param count How many images.
 * @returns Features `[count, d]` and probabilities `[count, classes]`.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { predictInChunks } from "./sampling.ts";
 * import type { EvaluatorNetwork } from "./types.ts";
 * declare const evaluator: EvaluatorNetwork; // e.g. from `loadEvaluator`
 * const out = predictInChunks(
 *   evaluator,
 *   (start, end) => tf.zeros([end - start, 28, 28, 1]) as tf.Tensor4D,
 *   600,
 * );
 * tf.dispose([out.features, out.probabilities]);
 * ```
 */
export function predictInChunks(
  evaluator: EvaluatorNetwork,
  images: (start: number, end: number) => tf.Tensor4D,
  count: number,
): { features: tf.Tensor2D; probabilities: tf.Tensor2D } {
  const features: tf.Tensor2D[] = [];
  const probabilities: tf.Tensor2D[] = [];
  for (let start = 0; start < count; start += EVAL_CHUNK) {
    const end = Math.min(count, start + EVAL_CHUNK);
    const out = tf.tidy(() => ({ ...evaluator.predict(images(start, end)) }));
    features.push(out.features);
    probabilities.push(out.probabilities);
  }
  const result = {
    features: tf.concat(features) as tf.Tensor2D,
    probabilities: tf.concat(probabilities) as tf.Tensor2D,
  };
  tf.dispose([...features, ...probabilities]);
  return result;
}

/**
 * The evaluator features alone of `count` images, made chunk by chunk.
 *
 * @param evaluator The evaluator network.
 * @param images Makes the images `start … end−1` (disposed here).
 * @param count How many images.
 * @returns Features `[count, d]` (caller disposes).
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { featuresInChunks } from "./sampling.ts";
 * import type { EvaluatorNetwork } from "./types.ts";
 * declare const evaluator: EvaluatorNetwork; // e.g. from `loadEvaluator`
 * const features = featuresInChunks(
 *   evaluator,
 *   (start, end) => tf.zeros([end - start, 28, 28, 1]) as tf.Tensor4D,
 *   600,
 * );
 * features.dispose();
 * ```
 */
export function featuresInChunks(
  evaluator: EvaluatorNetwork,
  images: (start: number, end: number) => tf.Tensor4D,
  count: number,
): tf.Tensor2D {
  const { features, probabilities } = predictInChunks(evaluator, images, count);
  probabilities.dispose();
  return features;
}
