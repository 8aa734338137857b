/**
 * `hinge`: hinge loss (Lim & Ye 2017; Miyato et al. 2018).
 * D: relu(1 − s_r) + relu(1 + s_f); G: −s_f.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { adamDcgan } from "./_defaults.ts";
import { meanAll } from "./_stable.ts";
import type { Loss } from "./types.ts";
import { negativeScoreGLoss } from "./wgan.ts";

/**
 * The `hinge` loss.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { hinge } from "./hinge.ts";
 * hinge.dLoss(tf.fill([2, 1], 2), tf.fill([2, 1], -2)); // 0
 * ```
 */
export const hinge: Loss = {
  id: "hinge",
  description: "D: relu(1−s_r) + relu(1+s_f); G: −s_f",
  probability: false,
  dLoss: (sReal, sFake) =>
    tf.tidy(() =>
      tf.add(
        meanAll(tf.relu(tf.sub(1, sReal))),
        meanAll(tf.relu(tf.add(1, sFake))),
      ) as tf.Scalar
    ),
  gLoss: negativeScoreGLoss,
  nCritic: 1,
  optimizer: adamDcgan(),
  equilibriumDLoss: 2,
};
