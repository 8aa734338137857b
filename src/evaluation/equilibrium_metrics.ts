/**
 * The discriminator equilibrium metrics of an interval (d_real, d_fake,
 * d_auc, d_auc_train, eq_gap, w_estimate, d_loss_gap): D's scores on fixed
 * real test and train subsets and on fresh fakes, read with the loss's
 * registry facts.
 *
 * D is scored the way G meets it in training. A BatchNorm D trains in
 * training mode on all-real and all-fake batches, each normalised by its
 * own statistics, while its moving statistics average both kinds of batch:
 * inference mode would score it with statistics it never trained with. So
 * a BatchNorm D is scored in training mode on all-real and all-fake batches
 * of the training batch size, and its moving statistics (and dropout call
 * counters) are restored afterwards, bit for bit; every other D is scored
 * in inference mode.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { fixedSubset } from "../data/sampler.ts";
import type { Dataset } from "../data/types.ts";
import { getLoss } from "../losses/registry.ts";
import { equilibrium } from "../metrics/mod.ts";
import type { Discriminator, ImageShape } from "../models/types.ts";
import { imagesAt } from "../train/real_batch.ts";
import {
  balancedLabels,
  EVAL_CHUNK,
  EVAL_NOISE_SEED,
  REAL_SUBSET_SEED,
} from "./sampling.ts";
import type { IntervalMetrics, ModelsAtStep } from "./types.ts";

/** The fixed real images D is scored on, as indices into each split. */
export interface EquilibriumReals {
  /** Indices of held-out test images. */
  test: Int32Array;
  /** Indices of train images (for d_auc_train). */
  train: Int32Array;
}

/** Batch size of BatchNorm scoring when the models do not say (the built-in default). */
const DEFAULT_BATCH = 64;

/** A batch for D: images and, for conditional variants, their labels. */
interface ScoreBatch {
  images: tf.Tensor4D;
  labels: tf.Tensor1D | null;
}

/**
 * Picks the fixed real subsets of the equilibrium metrics.
 *
 * @param dataset The data set.
 * @param n Images per subset (`nEquilibrium`).
 * @returns The test and train indices.
 * @throws Error when `n` exceeds a split.
 * @example
 * ```ts
 * import { equilibriumReals } from "./equilibrium_metrics.ts";
 * import { loadDataset } from "../data/registry.ts";
 * const reals = equilibriumReals(await loadDataset("synthetic"), 100);
 * reals.test.length; // 100
 * ```
 */
export function equilibriumReals(
  dataset: Dataset,
  n: number,
): EquilibriumReals {
  const { test, train } = dataset;
  if (n > test.count || n > train.count) {
    throw new Error(
      `nEquilibrium ${n} exceeds the ${dataset.id} split sizes (${train.count} train, ${test.count} test)`,
    );
  }
  return {
    test: fixedSubset(test.count, n, REAL_SUBSET_SEED + 1),
    train: fixedSubset(train.count, n, REAL_SUBSET_SEED + 2),
  };
}

/**
 * The equilibrium metrics of the models at one step.
 *
 * @param dataset The data set.
 * @param reals The fixed real subsets (see {@linkcode equilibriumReals}).
 * @param models D, the generator it plays against, the loss and its D loss.
 * @returns The metrics, by CSV column name.
 * @example
 * ```ts
 * import { equilibriumMetrics, equilibriumReals } from "./equilibrium_metrics.ts";
 * import type { Dataset } from "../data/types.ts";
 * import type { ModelsAtStep } from "./types.ts";
 * declare const dataset: Dataset;
 * declare const models: ModelsAtStep; // from the trainer's evaluation hook
 * const metrics = await equilibriumMetrics(
 *   dataset,
 *   equilibriumReals(dataset, 1000),
 *   models,
 * );
 * metrics.d_auc; // 0.5 at the equilibrium
 * ```
 */
export async function equilibriumMetrics(
  dataset: Dataset,
  reals: EquilibriumReals,
  models: ModelsAtStep,
): Promise<IntervalMetrics> {
  const { discriminator } = models;
  const n = reals.test.length;
  const batch = usesBatchStatistics(discriminator)
    ? models.batchSize ?? DEFAULT_BATCH
    : null;
  return await withRestoredState(
    discriminator,
    () => scoreAll(dataset, reals, models, n, batch),
  );
}

/** D's scores on the three sets, then the statistics. */
async function scoreAll(
  dataset: Dataset,
  reals: EquilibriumReals,
  models: ModelsAtStep,
  n: number,
  batch: number | null,
): Promise<IntervalMetrics> {
  const { discriminator, generator, trainShape, conditional } = models;
  const realsOf =
    (split: "test" | "train", idx: Int32Array) =>
    (start: number, end: number): ScoreBatch =>
      realBatch(
        dataset,
        split,
        idx.subarray(start, end),
        trainShape,
        conditional,
      );
  const realScores = await scores(
    discriminator,
    n,
    realsOf("test", reals.test),
    batch,
  );
  const trainScores = await scores(
    discriminator,
    n,
    realsOf("train", reals.train),
    batch,
  );
  // Fresh fakes: noise seeded by the step, unlike the fixed evaluation set.
  const fakeScores = await scores(discriminator, n, (start, end) => {
    const z = tf.randomNormal(
      [end - start, generator.zDim],
      0,
      1,
      "float32",
      EVAL_NOISE_SEED + 1000 + models.step * 7 + start,
    ) as tf.Tensor2D;
    const labels = conditional
      ? balancedLabels(start, end, dataset.numClasses)
      : null;
    return { images: generator.apply(z, labels, false), labels };
  }, batch);
  const stats = equilibrium({
    realScores,
    fakeScores,
    trainScores,
    loss: getLoss(models.loss),
    dLoss: models.dLoss,
  });
  return { ...stats };
}

/**
 * Whether D normalises with batch statistics in training mode: it has
 * BatchNorm moving statistics (the only non-trainable variables a model
 * holds).
 *
 * @param discriminator The discriminator.
 * @returns True for a BatchNorm discriminator.
 * @example
 * ```ts
 * import { usesBatchStatistics } from "./equilibrium_metrics.ts";
 * import { getVariant } from "../models/registry.ts";
 * const { discriminator } = getVariant("dcgan").build({
 *   shape: { height: 32, width: 32, channels: 1 },
 *   numClasses: 10,
 *   seed: 0,
 *   criticNorm: "batchnorm",
 *   widthMultiplier: 0.05,
 * });
 * usesBatchStatistics(discriminator); // true
 * discriminator.dispose();
 * ```
 */
export function usesBatchStatistics(discriminator: Discriminator): boolean {
  return discriminator.keys.some((k) => k.endsWith("/movingMean"));
}

/**
 * Runs `score` and then puts back D's non-trainable variables (BatchNorm
 * moving statistics, which training-mode calls update) and dropout call
 * counters exactly as they were; trainable weights are never written by a
 * forward pass.
 */
async function withRestoredState<T>(
  discriminator: Discriminator,
  score: () => Promise<T>,
): Promise<T> {
  const frozen = discriminator.variables.filter((v) => !v.trainable);
  const saved = frozen.map((v) => tf.clone(v));
  const random = discriminator.randomState?.save();
  try {
    return await score();
  } finally {
    frozen.forEach((v, i) => v.assign(saved[i]));
    tf.dispose(saved);
    if (random) discriminator.randomState?.restore(random);
  }
}

/**
 * Batch boundaries: `n` split into ⌈n / batch⌉ batches of as equal a size
 * as possible (no small remainder batch, whose statistics would be noisy).
 */
function batchStarts(n: number, batch: number): number[] {
  const k = Math.ceil(n / batch);
  return Array.from({ length: k + 1 }, (_, i) => Math.round((i * n) / k));
}

/** Chunk boundaries of inference-mode scoring: every EVAL_CHUNK images. */
function chunkStarts(n: number): number[] {
  const starts: number[] = [];
  for (let start = 0; start < n; start += EVAL_CHUNK) starts.push(start);
  starts.push(n);
  return starts;
}

/**
 * D's scores of `n` images: in inference mode in chunks (`batch` null), or
 * in training mode on batches of about `batch` images (BatchNorm D).
 */
async function scores(
  discriminator: Discriminator,
  n: number,
  make: (start: number, end: number) => ScoreBatch,
  batch: number | null,
): Promise<Float32Array> {
  const out = new Float32Array(n);
  const starts = batch === null ? chunkStarts(n) : batchStarts(n, batch);
  for (let i = 0; i + 1 < starts.length; i++) {
    const [start, end] = [starts[i], starts[i + 1]];
    const s = tf.tidy(() => {
      const { images, labels } = make(start, end);
      const raw = discriminator.apply(images, labels, batch !== null);
      // A patch map counts as one score per image: the mean over patches.
      return tf.mean(tf.reshape(raw, [end - start, -1]), 1);
    });
    out.set(await s.data() as Float32Array, start);
    s.dispose();
  }
  return out;
}

/** Real images of a split at the training shape, with labels if needed. */
function realBatch(
  dataset: Dataset,
  split: "test" | "train",
  part: Int32Array,
  trainShape: ImageShape,
  conditional: boolean,
): ScoreBatch {
  const images = imagesAt(dataset, dataset[split], part, trainShape);
  const labels = conditional
    ? tf.tensor1d(Array.from(part, (i) => dataset[split].labels[i]), "int32")
    : null;
  return { images, labels };
}
