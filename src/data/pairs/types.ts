/**
 * The types of the paired image-translation tasks (pix2pix style): a task's
 * description, a batch of (input, target) pairs, and the lazy paired view of
 * a data set that makes such batches on demand.
 *
 * Every image of a pair is float32 NHWC in [−1, 1], the tanh range of the
 * zoo's generators: a uint8 value v maps to v / 127.5 − 1 (as
 * `toImageTensor` does). The only exception is the inpainting mask
 * channel, which is exactly 0 or 1 (still inside [−1, 1]).
 *
 * Pairs are never materialised for a whole split (CIFAR-10's 50,000 train
 * targets alone would be 614 MB of float32): a {@linkcode PairedSplit} keeps
 * the source split's uint8 bytes and builds the pairs of the indices asked
 * for.
 *
 * @module
 */
import type { Dataset, DatasetId, ImageShape } from "../types.ts";

/** A paired translation task id: a key of the pair-task registry. */
export type PairTaskId =
  | "colorize-cifar10"
  | "superres4-cifar10"
  | "inpaint-mnist"
  | "edges2fashion";

/** The name of a split. */
export type SplitName = "train" | "test";

/** What a paired translation task is: its facts, no code. */
export interface PairTask {
  /** The task id. */
  id: PairTaskId;
  /** The data set the pairs are made from. */
  source: DatasetId;
  /** Shape of one input image (the generator's input). */
  inputShape: ImageShape;
  /** Shape of one target image (the generator's output). */
  targetShape: ImageShape;
  /** What each input channel holds, in channel order (e.g. `["masked", "mask"]`). */
  inputChannels: readonly string[];
  /** One line: what the pair is and how it is made. */
  description: string;
  /** One line: how the task's trivial answer is made. */
  trivial: string;
}

/** A batch of pairs: the images of `indices` of one split, in that order. */
export interface PairBatch {
  /** The task the pairs belong to. */
  task: PairTaskId;
  /** The split the images come from. */
  split: SplitName;
  /** The images of the split used, in batch order. */
  indices: Int32Array;
  /** The number of pairs. */
  count: number;
  /** Shape of one input image. */
  inputShape: ImageShape;
  /** Shape of one target image. */
  targetShape: ImageShape;
  /** Inputs, NHWC float32 in [−1, 1], `count × inputShape` values. */
  input: Float32Array;
  /** Targets, NHWC float32 in [−1, 1], `count × targetShape` values. */
  target: Float32Array;
  /** The source images' class labels, in batch order. */
  labels: Uint8Array;
}

/** One split of a paired data set: it builds pairs on demand. */
export interface PairedSplit {
  /** Which split. */
  name: SplitName;
  /** The number of pairs (= images of the source split). */
  count: number;
  /** The source split's labels (read-only; shared, not copied). */
  labels: Uint8Array;
  /**
   * Builds the pairs of the given images (deterministic: the same indices
   * give the same bytes). Throws one line on an index out of range.
   *
   * @param indices Images of this split, in batch order (repeats allowed).
   * @returns A new batch.
   */
  batch(indices: ArrayLike<number>): PairBatch;
}

/**
 * Constants a task computes from the train split only, once, when its pairs
 * are built; the trivial answers read them.
 */
export interface PairTrainStats {
  /** Inpainting: the mean of the train targets' pixels inside the hole, in [−1, 1]. */
  holeMean?: number;
  /** Edges: the per-pixel mean of the train targets, one image in [−1, 1]. */
  meanImage?: Float32Array;
}

/**
 * A data set seen as (input, target) pairs of one task: the official train
 * and test splits kept as they are, test pairs made from test images only.
 */
export interface PairedDataset {
  /** The task. */
  task: PairTask;
  /** The source data set (read, never modified). */
  source: Dataset;
  /** The training pairs. */
  train: PairedSplit;
  /** The test pairs. */
  test: PairedSplit;
  /** Constants from the train split (see {@linkcode PairTrainStats}). */
  stats: PairTrainStats;
}
