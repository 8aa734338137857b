/**
 * `wgan`: Wasserstein GAN with weight clipping (Arjovsky et al. 2017).
 * D: −s_r + s_f (weights clipped to ±0.01 after every D step); G: −s_f.
 * RMSProp 5e-5, n_critic 5.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { meanAll } from "./_stable.ts";
import type { Loss } from "./types.ts";

/**
 * Critic loss mean(s_f) − mean(s_r) (shared with wgan-gp).
 *
 * @param sReal Raw scores of real images.
 * @param sFake Raw scores of fakes.
 * @returns The scalar loss.
 */
export function wassersteinDLoss(
  sReal: tf.Tensor,
  sFake: tf.Tensor,
): tf.Scalar {
  return tf.tidy(() => tf.sub(meanAll(sFake), meanAll(sReal)) as tf.Scalar);
}

/**
 * Generator loss −mean(s_f) (wgan, wgan-gp, hinge).
 *
 * @param sFake Raw scores of fakes.
 * @returns The scalar loss.
 */
export function negativeScoreGLoss(sFake: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.neg(meanAll(sFake)) as tf.Scalar);
}

/**
 * The `wgan` loss.
 *
 * @example
 * ```ts
 * import { wgan } from "./wgan.ts";
 * wgan.clip; // 0.01
 * ```
 */
export const wgan: Loss = {
  id: "wgan",
  description: "D: −s_r + s_f, weights clipped to ±0.01; G: −s_f",
  probability: false,
  dLoss: wassersteinDLoss,
  gLoss: negativeScoreGLoss,
  clip: 0.01,
  nCritic: 5,
  optimizer: { name: "rmsprop", learningRate: 5e-5 },
  equilibriumDLoss: 0,
};
