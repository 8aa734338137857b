/**
 * The machinery the task files share: checking the source data set and
 * wrapping a per-image pair writer into a lazy {@linkcode PairedDataset}.
 *
 * @module
 */
import type { Dataset, Split } from "../types.ts";
import type {
  PairBatch,
  PairedDataset,
  PairedSplit,
  PairTask,
  PairTrainStats,
  SplitName,
} from "./types.ts";

/**
 * Writes the pair of one source image.
 *
 * @param src The source image, HWC uint8 (a view; never written).
 * @param input Where its input goes, HWC float32 (a view).
 * @param target Where its target goes, HWC float32 (a view).
 */
export type PairWriter = (
  src: Uint8Array,
  input: Float32Array,
  target: Float32Array,
) => void;

/** A uint8 pixel value in the generators' range: v / 127.5 − 1. */
export function unit(v: number): number {
  return v / 127.5 - 1;
}

/** Pixels per image of a shape. */
export function pixels(shape: { height: number; width: number }): number {
  return shape.height * shape.width;
}

/**
 * Throws one line unless `dataset` is the task's source data set (or a
 * `synthetic` stand-in of the same shape, for fast tests) with intact splits.
 *
 * @param task The task.
 * @param dataset The candidate source.
 */
export function checkSource(task: PairTask, dataset: Dataset): void {
  const s = task.targetShape;
  const want = `${task.source} (${s.height}×${s.width}×${s.channels})`;
  const got =
    `${dataset.id} (${dataset.height}×${dataset.width}×${dataset.channels})`;
  const idOk = dataset.id === task.source || dataset.id === "synthetic";
  if (
    !idOk || dataset.height !== s.height || dataset.width !== s.width ||
    dataset.channels !== s.channels
  ) {
    throw new Error(`${task.id}: needs the data set ${want}, got ${got}`);
  }
  const size = pixels(s) * s.channels;
  for (const name of ["train", "test"] as const) {
    const split = dataset[name];
    if (
      split.images.length !== split.count * size ||
      split.labels.length !== split.count
    ) {
      throw new Error(
        `${task.id}: ${dataset.id} ${name} split has ${split.images.length} bytes and ${split.labels.length} labels, expected ${split.count} × ${size} and ${split.count}`,
      );
    }
  }
}

function pairedSplit(
  task: PairTask,
  name: SplitName,
  split: Split,
  write: PairWriter,
): PairedSplit {
  const inSize = pixels(task.inputShape) * task.inputShape.channels;
  const outSize = pixels(task.targetShape) * task.targetShape.channels;
  return {
    name,
    count: split.count,
    labels: split.labels,
    batch(indices: ArrayLike<number>): PairBatch {
      const n = indices.length;
      const idx = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const k = indices[i];
        if (!Number.isInteger(k) || k < 0 || k >= split.count) {
          throw new Error(
            `${task.id} ${name} pairs: index ${k} at position ${i} is out of range 0…${
              split.count - 1
            }`,
          );
        }
        idx[i] = k;
      }
      const input = new Float32Array(n * inSize);
      const target = new Float32Array(n * outSize);
      const labels = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const k = idx[i];
        write(
          split.images.subarray(k * outSize, (k + 1) * outSize),
          input.subarray(i * inSize, (i + 1) * inSize),
          target.subarray(i * outSize, (i + 1) * outSize),
        );
        labels[i] = split.labels[k];
      }
      return {
        task: task.id,
        split: name,
        indices: idx,
        count: n,
        inputShape: { ...task.inputShape },
        targetShape: { ...task.targetShape },
        input,
        target,
        labels,
      };
    },
  };
}

/**
 * Wraps a per-image pair writer into a lazy paired data set: each split
 * builds only the pairs asked for, from its own images.
 *
 * @param task The task (its target shape is the source image shape).
 * @param dataset The source, already checked by {@linkcode checkSource}.
 * @param write The pair of one image.
 * @param stats Constants computed from the train split.
 * @returns The paired data set.
 */
export function pairedDataset(
  task: PairTask,
  dataset: Dataset,
  write: PairWriter,
  stats: PairTrainStats = {},
): PairedDataset {
  return {
    task,
    source: dataset,
    train: pairedSplit(task, "train", dataset.train, write),
    test: pairedSplit(task, "test", dataset.test, write),
    stats,
  };
}

/** The target of every task: the source image itself, mapped to [−1, 1]. */
export function writeTarget(src: Uint8Array, target: Float32Array): void {
  for (let j = 0; j < src.length; j++) target[j] = unit(src[j]);
}
