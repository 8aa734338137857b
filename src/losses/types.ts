/**
 * The loss descriptor shared by every loss family.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import type { OptimizerSpec } from "./optimizers.ts";

/** A GAN loss: D and G objectives on raw scores plus training defaults. */
export interface Loss {
  /** Registry id: the key of its `LOSS_REGISTRY` entry. */
  id: string;
  /** One-line formula, for reports. */
  description: string;
  /**
   * Whether D's score is read as a probability (minimax/ns: `d_real` is
   * mean σ(s)); otherwise the raw score is reported. Read by the
   * equilibrium metrics.
   */
  probability: boolean;
  /**
   * D objective, mean over every element (patch maps included).
   *
   * @param sReal Raw scores of real images.
   * @param sFake Raw scores of generated images.
   * @returns The scalar loss (without any gradient penalty).
   */
  dLoss(sReal: tf.Tensor, sFake: tf.Tensor): tf.Scalar;
  /**
   * G objective, mean over every element.
   *
   * @param sFake Raw scores of generated images.
   * @returns The scalar loss.
   */
  gLoss(sFake: tf.Tensor): tf.Scalar;
  /** Gradient-penalty weight λ (WGAN-GP), absent otherwise. */
  gradientPenalty?: number;
  /** Weight clipping bound c (WGAN): D weights clipped to [−c, c]. */
  clip?: number;
  /** D updates per G update. */
  nCritic: number;
  /** Default optimizer for both G and D. */
  optimizer: OptimizerSpec;
  /**
   * D loss at the equilibrium D = ½ (score 0 for logits, ½ for lsgan); the
   * equilibrium metrics report `d_loss_gap` against it.
   */
  equilibriumDLoss: number;
}

/** Overridable settings of a loss. */
export interface LossOverrides {
  /** D updates per G update. */
  nCritic?: number;
  /** Weight clipping bound (only for losses that clip). */
  clip?: number;
  /** Gradient-penalty weight (only for losses with a penalty). */
  gradientPenalty?: number;
  /** Optimizer fields to replace. */
  optimizer?: Partial<OptimizerSpec>;
}
