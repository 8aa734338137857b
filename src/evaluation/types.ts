/**
 * The types the evaluation suite shares with its callers: the evaluator
 * network it reads features from, the models it evaluates and the metric
 * values it returns.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import type { LossId } from "../losses/registry.ts";
import type { Discriminator, Generator, ImageShape } from "../models/types.ts";

/** What the evaluation needs of an evaluator network. */
export interface EvaluatorNetwork {
  /** Evaluator id written in every row, e.g. `ganbench-mnist-v2`. */
  id: string;
  /** md5 identifying its weights and output-changing settings, written in every row. */
  checksum: string;
  /**
   * Features (penultimate layer) and class probabilities of images.
   *
   * @param images NHWC images in [−1, 1] at the data set's native size.
   * @returns Both, `[N, d]` and `[N, classes]` (caller disposes).
   */
  predict(
    images: tf.Tensor4D,
  ): { features: tf.Tensor2D; probabilities: tf.Tensor2D };
}

/** The metric values of one interval, named as the CSV columns. */
export type IntervalMetrics = Record<string, number>;

/** The state of the models at the evaluation, from the trainer. */
export interface ModelsAtStep {
  /** Completed G steps (seeds the fresh fakes of the equilibrium metrics). */
  step: number;
  /**
   * The generator D plays against (inference mode); the equilibrium metrics'
   * fresh fakes come from it.
   */
  generator: Generator;
  /**
   * The generator whose samples the image metrics (FID, IS, KID, PSNR/SSIM)
   * score: the weight average when the cell uses `gEma`; default `generator`.
   */
  sampleGenerator?: Generator;
  /**
   * The discriminator: scored in inference mode, or for a BatchNorm D in
   * training mode on batches of `batchSize` (equilibrium_metrics.ts).
   */
  discriminator: Discriminator;
  /** The training batch size (BatchNorm D scoring; default 64). */
  batchSize?: number;
  /** The shape the models work at (native, or padded to 32×32). */
  trainShape: ImageShape;
  /** Whether G and D take labels. */
  conditional: boolean;
  /**
   * The loss id; its registry entry decides probabilities vs raw scores for
   * d_real/d_fake and the equilibrium D loss of d_loss_gap.
   */
  loss: LossId;
  /** Mean D loss over the interval (for d_loss_gap). */
  dLoss: number;
}
