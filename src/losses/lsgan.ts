/**
 * `lsgan`: least-squares GAN (Mao et al. 2017) with a = 0, b = c = 1.
 * D: ½(s_r − 1)² + ½ s_f²; G: ½(s_f − 1)².
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { adamDcgan } from "./_defaults.ts";
import { meanAll } from "./_stable.ts";
import type { Loss } from "./types.ts";

/**
 * The `lsgan` loss.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { lsgan } from "./lsgan.ts";
 * lsgan.dLoss(tf.fill([2, 1], 0.5), tf.fill([2, 1], 0.5)); // 0.25
 * ```
 */
export const lsgan: Loss = {
  id: "lsgan",
  description: "D: ½(s_r−1)² + ½s_f²; G: ½(s_f−1)²",
  probability: false,
  dLoss: (sReal, sFake) =>
    tf.tidy(() =>
      tf.mul(
        tf.add(meanAll(tf.square(tf.sub(sReal, 1))), meanAll(tf.square(sFake))),
        0.5,
      ) as tf.Scalar
    ),
  gLoss: (sFake) =>
    tf.tidy(() =>
      tf.mul(meanAll(tf.square(tf.sub(sFake, 1))), 0.5) as tf.Scalar
    ),
  nCritic: 1,
  optimizer: adamDcgan(),
  equilibriumDLoss: 0.25,
};
