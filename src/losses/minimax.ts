/**
 * `minimax`: the original saturating GAN loss (Goodfellow et al. 2014).
 * D: −log σ(s_r) − log(1 − σ(s_f)); G: log(1 − σ(s_f)).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { adamDcgan } from "./_defaults.ts";
import { logOneMinusSigmoid, logSigmoid, meanAll } from "./_stable.ts";
import type { Loss } from "./types.ts";

/**
 * Logistic D loss shared by minimax and ns: −mean log σ(s_r) − mean log(1 − σ(s_f)).
 *
 * @param sReal Raw scores of real images.
 * @param sFake Raw scores of fakes.
 * @returns The scalar loss.
 */
export function logisticDLoss(sReal: tf.Tensor, sFake: tf.Tensor): tf.Scalar {
  return tf.tidy(() =>
    tf.neg(tf.add(
      meanAll(logSigmoid(sReal)),
      meanAll(logOneMinusSigmoid(sFake)),
    )) as tf.Scalar
  );
}

/**
 * The `minimax` loss.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { minimax } from "./minimax.ts";
 * minimax.dLoss(tf.zeros([4, 1]), tf.zeros([4, 1])); // 2 ln 2
 * ```
 */
export const minimax: Loss = {
  id: "minimax",
  description: "D: −log σ(s_r) − log(1−σ(s_f)); G: log(1−σ(s_f)) (saturating)",
  probability: true,
  dLoss: logisticDLoss,
  gLoss: (sFake) => tf.tidy(() => meanAll(logOneMinusSigmoid(sFake))),
  nCritic: 1,
  optimizer: adamDcgan(),
  equilibriumDLoss: 2 * Math.LN2,
};
