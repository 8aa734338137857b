/**
 * The metrics of a translation cell at each evaluation, on a fixed subset
 * of `nEval` test pairs (the same for every cell and seed of a task):
 * PSNR, SSIM and L1 of G(input) against the target, FID of the outputs
 * against the targets with the source data set's evaluator, and the
 * discriminator's patch-level equilibrium; plus the same image metrics of
 * the task's trivial answer, computed once (docs/translation.md#columns).
 *
 * PSNR and SSIM are computed on [0, 1] images (data range 1). A per-image
 * PSNR is capped at {@linkcode PSNR_CAP} dB (an exact answer, e.g. the grey
 * answer to a grey image, would be +∞). Standard deviations are over
 * images, with n − 1.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { fixedSubset } from "../data/sampler.ts";
import { imagesTensor } from "../data/pairs/tensor.ts";
import { trivialAnswer } from "../data/pairs/registry.ts";
import type { PairBatch, PairedDataset } from "../data/pairs/types.ts";
import { deriveSeed } from "../models/layers/param_store.ts";
import type {
  TranslationDiscriminator,
  TranslationGenerator,
} from "../models/translation/types.ts";
import { rocAuc } from "../metrics/equilibrium.ts";
import {
  type FeatureStats,
  featureStats,
  fidFromStats,
} from "../metrics/fid.ts";
import { psnr } from "../metrics/psnr.ts";
import { toUnitRange } from "../metrics/range.ts";
import { ssim } from "../metrics/ssim.ts";
import type { Evaluator } from "../metrics/evaluators/types.ts";

/** The cap of a per-image PSNR, in dB. */
export const PSNR_CAP = 100;

/** Pairs per forward pass of G and D at evaluation. */
const EVAL_BATCH = 100;

/** Dropout stream of G at evaluation (fixed masks per batch). */
const STREAM_EVAL_DROPOUT = 12;

/** Image metrics of a set of answers against the targets. */
export interface ImageScores {
  /** Mean per-image PSNR (dB, capped). */
  psnr: number;
  /** Sample standard deviation of the per-image PSNR. */
  psnr_std: number;
  /** Mean per-image SSIM. */
  ssim: number;
  /** Sample standard deviation of the per-image SSIM. */
  ssim_std: number;
  /** Mean absolute error in [0, 1] units. */
  l1: number;
}

/** One evaluation's values, by column name (null = empty). */
export type TranslationRow = Record<string, number | null>;

function meanStd(values: ArrayLike<number>): [number, number] {
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i] - mean) ** 2;
  return [mean, n > 1 ? Math.sqrt(ss / (n - 1)) : 0];
}

/**
 * PSNR, SSIM and L1 of answers against targets (both in [−1, 1]).
 *
 * @param answers Answers [N, H, W, C] in [−1, 1] (not disposed).
 * @param targets Targets of the same shape (not disposed).
 * @returns The scores ([0, 1] images; per-image PSNR capped at 100 dB).
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import assert from "node:assert/strict";
 * import { imageScores } from "./translation_metrics.ts";
 * await tf.setBackend("cpu");
 * const y = tf.fill([2, 16, 16, 1], -1) as tf.Tensor4D;
 * const x = tf.fill([2, 16, 16, 1], 0) as tf.Tensor4D; // 0.5 off in [0, 1]
 * const s = await imageScores(x, y);
 * assert.ok(Math.abs(s.psnr - 10 * Math.log10(4)) < 1e-4);
 * assert.equal(s.l1, 0.5);
 * assert.equal((await imageScores(y, y)).psnr, 100);
 * tf.dispose([x, y]);
 * ```
 */
export async function imageScores(
  answers: tf.Tensor4D,
  targets: tf.Tensor4D,
): Promise<ImageScores> {
  const a = toUnitRange(answers);
  const b = toUnitRange(targets);
  try {
    const p = (await psnr(a, b)).map((v) => Math.min(v, PSNR_CAP));
    const s = await ssim(a, b);
    const l1 = tf.tidy(() => tf.mean(tf.abs(tf.sub(a, b))));
    const l1Value = (await l1.data())[0];
    l1.dispose();
    const [psnrMean, psnrStd] = meanStd(p);
    const [ssimMean, ssimStd] = meanStd(s);
    return {
      psnr: psnrMean,
      psnr_std: psnrStd,
      ssim: ssimMean,
      ssim_std: ssimStd,
      l1: l1Value,
    };
  } finally {
    tf.dispose([a, b]);
  }
}

/** Feature statistics of images through an evaluator, in its batches. */
async function imageStats(
  evaluator: Evaluator,
  images: tf.Tensor4D,
): Promise<FeatureStats> {
  const n = images.shape[0];
  const parts: tf.Tensor2D[] = [];
  for (let i = 0; i < n; i += evaluator.batchSize) {
    const size = Math.min(evaluator.batchSize, n - i);
    parts.push(
      tf.tidy(() =>
        evaluator.features(tf.slice(images, [i, 0, 0, 0], [size, -1, -1, -1]))
      ),
    );
  }
  const all = tf.concat(parts, 0);
  tf.dispose(parts);
  try {
    return await featureStats(all);
  } finally {
    all.dispose();
  }
}

/**
 * The fixed test pairs of a translation cell and its evaluation: prepare
 * once per cell, evaluate at every interval, dispose at the end.
 */
export class TranslationEvaluation {
  /** The evaluated test pairs (host copy; the grid uses the first ones). */
  readonly batch: PairBatch;
  /** Trivial-answer columns (`psnr_trivial`, …), the same in every row. */
  readonly trivialRow: TranslationRow;
  #input: tf.Tensor4D;
  #target: tf.Tensor4D;
  #evaluator: Evaluator;
  #targetStats: FeatureStats | null;

  private constructor(
    batch: PairBatch,
    evaluator: Evaluator,
    targetStats: FeatureStats | null,
    trivialRow: TranslationRow,
  ) {
    this.batch = batch;
    this.#input = imagesTensor(batch.input, batch.count, batch.inputShape);
    this.#target = imagesTensor(batch.target, batch.count, batch.targetShape);
    this.#evaluator = evaluator;
    this.#targetStats = targetStats;
    this.trivialRow = trivialRow;
  }

  /**
   * Builds the fixed test subset (`fixedSubset(test, nEval, 0)`), the
   * target statistics and the trivial answer's scores.
   *
   * @param pairs The task's pairs.
   * @param evaluator The source data set's evaluator (features for FID).
   * @param nEval Test pairs evaluated. FID needs more pairs than the
   *   evaluator has features (`nEval > featureDim`), else it stays empty.
   * @returns The prepared evaluation.
   */
  static async prepare(
    pairs: PairedDataset,
    evaluator: Evaluator,
    nEval: number,
  ): Promise<TranslationEvaluation> {
    const batch = pairs.test.batch(fixedSubset(pairs.test.count, nEval, 0));
    const fidOk = nEval > evaluator.featureDim;
    const target = imagesTensor(batch.target, batch.count, batch.targetShape);
    const trivial = imagesTensor(
      trivialAnswer(pairs, batch),
      batch.count,
      batch.targetShape,
    );
    try {
      const targetStats = fidOk ? await imageStats(evaluator, target) : null;
      const scores = await imageScores(trivial, target);
      const fid = targetStats
        ? fidFromStats(await imageStats(evaluator, trivial), targetStats)
        : null;
      const trivialRow: TranslationRow = {
        psnr_trivial: scores.psnr,
        ssim_trivial: scores.ssim,
        l1_trivial: scores.l1,
        fid_trivial: fid,
      };
      return new TranslationEvaluation(
        batch,
        evaluator,
        targetStats,
        trivialRow,
      );
    } finally {
      tf.dispose([target, trivial]);
    }
  }

  /**
   * G's outputs on the evaluated inputs: inference-mode BatchNorm, dropout
   * on with fixed masks per batch of 100 (pix2pix's test-time noise).
   *
   * @param generator The generator (not disposed).
   * @param seed The cell seed.
   * @returns Outputs [nEval, H, W, Cout] (the caller disposes them).
   */
  outputs(generator: TranslationGenerator, seed: number): tf.Tensor4D {
    const n = this.batch.count;
    const parts: tf.Tensor4D[] = [];
    for (let i = 0, k = 0; i < n; i += EVAL_BATCH, k++) {
      const size = Math.min(EVAL_BATCH, n - i);
      parts.push(tf.tidy(() =>
        generator.apply(
          tf.slice(this.#input, [i, 0, 0, 0], [size, -1, -1, -1]),
          false,
          deriveSeed(seed, k, STREAM_EVAL_DROPOUT),
        )
      ));
    }
    const out = tf.concat(parts, 0) as tf.Tensor4D;
    tf.dispose(parts);
    return out;
  }

  /**
   * Scores one evaluation: image metrics, FID and (with a D) `d_real`,
   * `d_fake` (mean σ(s) for the bce objectives, mean raw s for lsgan) and
   * `d_auc` over every patch score (inference-mode BatchNorm).
   *
   * @param outputs G's outputs from {@linkcode outputs} (not disposed).
   * @param discriminator D, or null for `l1`.
   * @param objective The objective id (bce or lsgan decides `d_real`'s scale).
   * @returns The row's translation values.
   */
  async score(
    outputs: tf.Tensor4D,
    discriminator: TranslationDiscriminator | null,
    objective: string,
  ): Promise<TranslationRow> {
    const scores = await imageScores(outputs, this.#target);
    const fid = this.#targetStats
      ? fidFromStats(
        await imageStats(this.#evaluator, outputs),
        this.#targetStats,
      )
      : null;
    const row: TranslationRow = {
      ...scores,
      fid,
      d_real: null,
      d_fake: null,
      d_auc: null,
    };
    if (discriminator) {
      const real = await this.#patchScores(discriminator, this.#target);
      const fake = await this.#patchScores(discriminator, outputs);
      const squash = objective.endsWith("bce")
        ? (s: number) => 1 / (1 + Math.exp(-s))
        : (s: number) => s;
      const mean = (v: Float32Array) => {
        let sum = 0;
        for (const s of v) sum += squash(s);
        return sum / v.length;
      };
      row.d_real = mean(real);
      row.d_fake = mean(fake);
      row.d_auc = rocAuc(real, fake);
    }
    return { ...row, ...this.trivialRow };
  }

  /** D's raw patch scores of (input, images), flattened. */
  async #patchScores(
    discriminator: TranslationDiscriminator,
    images: tf.Tensor4D,
  ): Promise<Float32Array> {
    const n = this.batch.count;
    const parts: tf.Tensor[] = [];
    for (let i = 0; i < n; i += EVAL_BATCH) {
      const size = Math.min(EVAL_BATCH, n - i);
      parts.push(tf.tidy(() => {
        const pick = (t: tf.Tensor4D) =>
          tf.slice(t, [i, 0, 0, 0], [size, -1, -1, -1]);
        return tf.reshape(
          discriminator.apply(pick(this.#input), pick(images), false),
          [-1],
        );
      }));
    }
    const all = tf.concat(parts);
    tf.dispose(parts);
    const values = (await all.data()) as Float32Array;
    all.dispose();
    return values;
  }

  /** Frees the kept tensors (not the evaluator). */
  dispose(): void {
    tf.dispose([this.#input, this.#target]);
  }
}
