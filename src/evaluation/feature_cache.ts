/**
 * The evaluator features of a data set's whole test split, cached on disk:
 * computed once per (data, evaluator), keyed by both checksums, and checked
 * against their own md5 when read back.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import { md5Hex } from "../data/checksum.ts";
import type { Dataset } from "../data/types.ts";
import { readCheckpoint, writeCheckpoint } from "../train/checkpoint.ts";
import { imagesAt } from "../train/real_batch.ts";
import { featuresInChunks, nativeShape } from "./sampling.ts";
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
 * @returns Features `[test count, d]` (caller disposes).
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
): Promise<tf.Tensor2D> {
  const path = cacheDir
    ? featureCachePath(dataset, evaluator, cacheDir)
    : undefined;
  if (path) {
    const cached = await readCachedFeatures(path);
    if (cached) return cached;
  }
  const native = nativeShape(dataset);
  const all = Int32Array.from({ length: dataset.test.count }, (_, i) => i);
  const features = featuresInChunks(
    evaluator,
    (start, end) =>
      imagesAt(dataset, dataset.test, all.subarray(start, end), native),
    all.length,
  );
  if (cacheDir && path) {
    await Deno.mkdir(cacheDir, { recursive: true });
    await writeCachedFeatures(path, features, dataset, evaluator);
  }
  return features;
}

/** The cache file of a (data, evaluator) pair: both checksums in its key. */
function featureCachePath(
  dataset: Dataset,
  evaluator: EvaluatorNetwork,
  cacheDir: string,
): string {
  const key = md5Hex(new TextEncoder().encode(JSON.stringify({
    dataset: dataset.id,
    checksums: dataset.checksums,
    count: dataset.test.count,
    evaluator: evaluator.checksum,
  }))).slice(0, 16);
  return `${cacheDir}/features-${dataset.id}-${evaluator.id}-${key}.ckpt`;
}

/** The cached features, or undefined when absent, damaged or altered. */
async function readCachedFeatures(
  path: string,
): Promise<tf.Tensor2D | undefined> {
  try {
    const cached = await readCheckpoint(path);
    const tensor = cached?.tensors[0]?.tensor;
    if (cached && tensor) {
      if (cached.state.md5 === await tensorMd5(tensor)) {
        return tensor as tf.Tensor2D;
      }
      tensor.dispose();
    }
  } catch {
    // A damaged cache is recomputed by the caller.
  }
  return undefined;
}

async function writeCachedFeatures(
  path: string,
  features: tf.Tensor2D,
  dataset: Dataset,
  evaluator: EvaluatorNetwork,
): Promise<void> {
  await writeCheckpoint(path, {
    step: 0,
    state: {
      md5: await tensorMd5(features),
      dataset: dataset.id,
      evaluator: evaluator.id,
    },
    tensors: [{ name: "test_features", tensor: features }],
  });
}

/** md5 of a float32 tensor's bytes. */
async function tensorMd5(tensor: tf.Tensor): Promise<string> {
  const values = await tensor.data() as Float32Array;
  return md5Hex(new Uint8Array(values.buffer));
}
