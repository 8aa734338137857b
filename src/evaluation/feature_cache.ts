/**
 * The evaluator features of a data set's whole test split, cached on disk:
 * computed once per (data, evaluator), keyed by both checksums (an
 * evaluator's checksum covers its weights and every setting that changes
 * its outputs), and checked when read back against their own md5, the
 * evaluator checksum and the test count they were made for. The evaluator's
 * predicted-class counts of the same images (the real class histogram of
 * `class_kl`) are stored with them.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import { md5Hex } from "../data/checksum.ts";
import { fixedSubset } from "../data/sampler.ts";
import { classCounts, predictedClasses } from "../metrics/mod.ts";
import type { Dataset } from "../data/types.ts";
import { readCheckpoint, writeCheckpoint } from "../train/checkpoint.ts";
import { imagesAt } from "../train/real_batch.ts";
import { nativeShape, predictInChunks, REAL_SUBSET_SEED } from "./sampling.ts";
import type { EvaluatorNetwork } from "./types.ts";

/**
 * The evaluator features of every test image, read from `cacheDir` when a
 * cache file made from the same data and evaluator checksums exists (its own
 * md5 verified), else computed and written there. A damaged cache file is
 * recomputed.
 *
 * @param dataset The data set.
 * @param evaluator The evaluator network.
 * @param cacheDir Where the features are cached (none: always computed).
 * @param nReal Use a fixed seeded subset of this many test images (absent:
 *   the whole test split, in order).
 * @returns Features `[test count or nReal, d]` (caller disposes).
 * @example
 * ```ts
 * import { cachedTestFeatures } from "./feature_cache.ts";
 * import { loadDataset } from "../data/registry.ts";
 * import type { EvaluatorNetwork } from "./types.ts";
 * declare const evaluator: EvaluatorNetwork; // e.g. from `loadEvaluator`
 * const dataset = await loadDataset("mnist");
 * const features = await cachedTestFeatures(dataset, evaluator, ".cache/ganbench");
 * features.dispose();
 * ```
 */
export async function cachedTestFeatures(
  dataset: Dataset,
  evaluator: EvaluatorNetwork,
  cacheDir: string | undefined,
  nReal?: number,
): Promise<tf.Tensor2D> {
  return (await cachedTestPredictions(dataset, evaluator, cacheDir, nReal))
    .features;
}

/** The evaluator's view of the real test images. */
export interface TestPredictions {
  /** Features `[test count or nReal, d]` (caller disposes). */
  features: tf.Tensor2D;
  /** How many of the images the evaluator assigns (arg max) to each class. */
  classCounts: number[];
}

/**
 * {@linkcode cachedTestFeatures} with the evaluator's predicted-class counts
 * of the same images, cached in the same file (a cache file without them is
 * recomputed).
 *
 * @param dataset The data set.
 * @param evaluator The evaluator network.
 * @param cacheDir Where the features are cached (none: always computed).
 * @param nReal Use a fixed seeded subset of this many test images (absent:
 *   the whole test split, in order).
 * @returns Features (caller disposes) and class counts.
 * @example
 * ```ts
 * import { cachedTestPredictions } from "./feature_cache.ts";
 * import { loadDataset } from "../data/registry.ts";
 * import type { EvaluatorNetwork } from "./types.ts";
 * declare const evaluator: EvaluatorNetwork; // e.g. from `loadEvaluator`
 * const dataset = await loadDataset("mnist");
 * const real = await cachedTestPredictions(dataset, evaluator, ".cache/ganbench");
 * real.classCounts; // e.g. [980, 1135, …] for the MNIST evaluator
 * real.features.dispose();
 * ```
 */
export async function cachedTestPredictions(
  dataset: Dataset,
  evaluator: EvaluatorNetwork,
  cacheDir: string | undefined,
  nReal?: number,
): Promise<TestPredictions> {
  const count = Math.min(nReal ?? dataset.test.count, dataset.test.count);
  const path = cacheDir
    ? featureCachePath(dataset, evaluator, cacheDir, count)
    : undefined;
  if (path) {
    const cached = await readCachedFeatures(path, dataset, evaluator, count);
    if (cached) return cached;
  }
  const native = nativeShape(dataset);
  // The whole split in order, or a fixed seeded subset of `nReal` images.
  const all = count === dataset.test.count
    ? Int32Array.from({ length: count }, (_, i) => i)
    : fixedSubset(dataset.test.count, count, REAL_SUBSET_SEED + 5);
  const { features, probabilities } = predictInChunks(
    evaluator,
    (start, end) =>
      imagesAt(dataset, dataset.test, all.subarray(start, end), native),
    all.length,
  );
  const counts = classCounts(
    await predictedClasses(probabilities),
    probabilities.shape[1],
  );
  probabilities.dispose();
  const predictions = { features, classCounts: counts };
  if (cacheDir && path) {
    await Deno.mkdir(cacheDir, { recursive: true });
    await writeCachedFeatures(path, predictions, dataset, evaluator);
  }
  return predictions;
}

/**
 * The cache file of a (data, evaluator) pair: both checksums in its key, so
 * an evaluator whose weights or output-changing settings differ has its own.
 */
function featureCachePath(
  dataset: Dataset,
  evaluator: EvaluatorNetwork,
  cacheDir: string,
  count: number,
): string {
  const key = md5Hex(new TextEncoder().encode(JSON.stringify({
    dataset: dataset.id,
    checksums: dataset.checksums,
    count: dataset.test.count,
    evaluator: evaluator.checksum,
    // A subset has its own file; the whole split keeps its old key.
    ...(count === dataset.test.count ? {} : { subset: count }),
  }))).slice(0, 16);
  // Evaluator ids may hold `/` (the Inception convention): not a folder.
  const name = evaluator.id.replaceAll(/[^A-Za-z0-9_.-]/g, "_");
  return `${cacheDir}/features-${dataset.id}-${name}-${key}.ckpt`;
}

/**
 * The cached features, or undefined when absent, damaged, altered, or made
 * for another evaluator checksum or test count (a file copied or left under
 * this key is recomputed, never trusted).
 */
async function readCachedFeatures(
  path: string,
  dataset: Dataset,
  evaluator: EvaluatorNetwork,
  count: number,
): Promise<TestPredictions | undefined> {
  try {
    const cached = await readCheckpoint(path);
    const tensor = cached?.tensors[0]?.tensor;
    if (cached && tensor) {
      const counts = cached.state.classCounts;
      const ok = cached.state.evaluatorChecksum === evaluator.checksum &&
        cached.state.dataset === dataset.id && tensor.rank === 2 &&
        tensor.shape[0] === count && isClassCounts(counts, count) &&
        cached.state.md5 === await tensorMd5(tensor);
      if (ok) {
        return { features: tensor as tf.Tensor2D, classCounts: counts };
      }
      tensor.dispose();
    }
  } catch {
    // A damaged cache is recomputed by the caller.
  }
  return undefined;
}

/** Whether `value` is a list of class counts (integers ≥ 0) summing to `count`. */
function isClassCounts(value: unknown, count: number): value is number[] {
  return Array.isArray(value) && value.length > 0 &&
    value.every((v) => Number.isInteger(v) && v >= 0) &&
    value.reduce((a, b) => a + b, 0) === count;
}

async function writeCachedFeatures(
  path: string,
  { features, classCounts }: TestPredictions,
  dataset: Dataset,
  evaluator: EvaluatorNetwork,
): Promise<void> {
  await writeCheckpoint(path, {
    step: 0,
    state: {
      md5: await tensorMd5(features),
      dataset: dataset.id,
      evaluator: evaluator.id,
      evaluatorChecksum: evaluator.checksum,
      classCounts,
    },
    tensors: [{ name: "test_features", tensor: features }],
  });
}

/** md5 of a float32 tensor's bytes. */
async function tensorMd5(tensor: tf.Tensor): Promise<string> {
  const values = await tensor.data() as Float32Array;
  return md5Hex(new Uint8Array(values.buffer));
}
