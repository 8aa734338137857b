/**
 * `ns`: the non-saturating GAN loss. D as minimax; G: −log σ(s_f).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { adamDcgan } from "./_defaults.ts";
import { logSigmoid, meanAll } from "./_stable.ts";
import { logisticDLoss } from "./minimax.ts";
import type { Loss } from "./types.ts";

/**
 * The `ns` loss.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { ns } from "./ns.ts";
 * ns.gLoss(tf.zeros([4, 1])); // ln 2
 * ```
 */
export const ns: Loss = {
  id: "ns",
  description:
    "D: −log σ(s_r) − log(1−σ(s_f)); G: −log σ(s_f) (non-saturating)",
  probability: true,
  dLoss: logisticDLoss,
  gLoss: (sFake) =>
    tf.tidy(() => tf.neg(meanAll(logSigmoid(sFake))) as tf.Scalar),
  nCritic: 1,
  optimizer: adamDcgan(),
  equilibriumDLoss: 2 * Math.LN2,
};
