/**
 * The evaluator features of a data set's whole train split (the pool of the
 * memorisation test), cached on disk like the test features of
 * `feature_cache.ts`: keyed by the data checksums, the evaluator checksum,
 * the split and its count, and checked when read back against their own
 * md5, the evaluator checksum and the count. Computed once per (data,
 * evaluator); a damaged or mismatched file is recomputed.
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
 * The evaluator features of every train image, in order, read from
 * `cacheDir` when a valid cache file for the same data and evaluator
 * exists, else computed (chunk by chunk) and written there.
 *
 * @param dataset The data set.
 * @param evaluator The evaluator network.
 * @param cacheDir Where the features are cached (none: always computed).
 * @returns Features `[train count, d]` (caller disposes).
 * @example
 * ```ts
 * import { cachedTrainFeatures } from "./train_feature_cache.ts";
 * import { loadDataset } from "../data/registry.ts";
 * import type { EvaluatorNetwork } from "./types.ts";
 * declare const evaluator: EvaluatorNetwork; // e.g. from `loadEvaluator`
 * const dataset = await loadDataset("mnist");
 * const train = await cachedTrainFeatures(dataset, evaluator, ".cache/ganbench");
 * train.shape; // [60000, 128]
 * train.dispose();
 * ```
 */
export async function cachedTrainFeatures(
  dataset: Dataset,
  evaluator: EvaluatorNetwork,
  cacheDir: string | undefined,
): Promise<tf.Tensor2D> {
  const count = dataset.train.count;
  const path = cacheDir
    ? trainCachePath(dataset, evaluator, cacheDir)
    : undefined;
  if (path) {
    const cached = await readCached(path, dataset, evaluator, count);
    if (cached) return cached;
  }
  const native = nativeShape(dataset);
  const all = Int32Array.from({ length: count }, (_, i) => i);
  const features = featuresInChunks(
    evaluator,
    (start, end) =>
      imagesAt(dataset, dataset.train, all.subarray(start, end), native),
    count,
  );
  if (cacheDir && path) {
    await Deno.mkdir(cacheDir, { recursive: true });
    await writeCheckpoint(path, {
      step: 0,
      state: {
        md5: await tensorMd5(features),
        dataset: dataset.id,
        split: "train",
        evaluator: evaluator.id,
        evaluatorChecksum: evaluator.checksum,
      },
      tensors: [{ name: "train_features", tensor: features }],
    });
  }
  return features;
}

/** The cache file: data checksums, evaluator checksum, split and count in its key. */
function trainCachePath(
  dataset: Dataset,
  evaluator: EvaluatorNetwork,
  cacheDir: string,
): string {
  const key = md5Hex(new TextEncoder().encode(JSON.stringify({
    dataset: dataset.id,
    checksums: dataset.checksums,
    split: "train",
    count: dataset.train.count,
    evaluator: evaluator.checksum,
  }))).slice(0, 16);
  // Evaluator ids may hold `/` (the Inception convention): not a folder.
  const name = evaluator.id.replaceAll(/[^A-Za-z0-9_.-]/g, "_");
  return `${cacheDir}/features-train-${dataset.id}-${name}-${key}.ckpt`;
}

/** The cached features, or undefined when absent, damaged or made for another evaluator or count. */
async function readCached(
  path: string,
  dataset: Dataset,
  evaluator: EvaluatorNetwork,
  count: number,
): Promise<tf.Tensor2D | undefined> {
  try {
    const cached = await readCheckpoint(path);
    const tensor = cached?.tensors[0]?.tensor;
    if (cached && tensor) {
      const ok = cached.state.evaluatorChecksum === evaluator.checksum &&
        cached.state.dataset === dataset.id &&
        cached.state.split === "train" && tensor.rank === 2 &&
        tensor.shape[0] === count &&
        cached.state.md5 === await tensorMd5(tensor);
      if (ok) return tensor as tf.Tensor2D;
      tensor.dispose();
    }
  } catch {
    // A damaged cache is recomputed by the caller.
  }
  return undefined;
}

/** md5 of a float32 tensor's bytes. */
async function tensorMd5(tensor: tf.Tensor): Promise<string> {
  const values = await tensor.data() as Float32Array;
  return md5Hex(new Uint8Array(values.buffer));
}
