/**
 * The WGAN-GP gradient penalty (Gulrajani et al. 2017):
 * λ·mean_i (‖∇x̂ D(x̂_i)‖₂ − 1)², x̂ = εx_r + (1 − ε)x_f, ε ~ U(0, 1) per sample.
 *
 * The result is differentiable w.r.t. D's variables (a second derivative):
 * call it inside the function given to `tf.variableGrads` /
 * `optimizer.minimize`. TF.js 4.22 needs the `Greater` gradient registered for
 * second derivatives through LeakyReLU, and computes second derivatives
 * through tanh/sigmoid/exp/elu wrongly, so a penalised critic must end in a
 * raw linear output and use none of them. For a patch-map critic the gradient
 * is that of the per-sample sum of patch scores.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Discriminator } from "../models/types.ts";

/** Options of {@linkcode gradientPenalty}. */
export interface GradientPenaltyOptions {
  /** λ (10 in WGAN-GP). */
  weight: number;
  /** Seed of the per-sample interpolation weights ε. */
  seed: number;
  /** Labels of the interpolates (conditional critics), else null. */
  labels?: tf.Tensor1D | null;
  /** Run D in training mode (dropout on; default true). */
  training?: boolean;
}

/**
 * Computes λ·mean((‖∇x̂ D(x̂)‖₂ − 1)²).
 *
 * @param discriminator The critic (must not use BatchNorm).
 * @param real Real images [N, H, W, C].
 * @param fake Generated images [N, H, W, C] (treated as constants).
 * @param options Weight, seed, labels.
 * @returns The scalar penalty.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { gradientPenalty } from "./gradient_penalty.ts";
 * // inside the D loss: const gp = gradientPenalty(d, real, fake, { weight: 10, seed: 7 });
 * ```
 */
export function gradientPenalty(
  discriminator: Discriminator,
  real: tf.Tensor4D,
  fake: tf.Tensor4D,
  options: GradientPenaltyOptions,
): tf.Scalar {
  const { weight, seed, labels = null, training = true } = options;
  if (real.shape.join() !== fake.shape.join()) {
    throw new Error(
      `train/gradient_penalty: real ${real.shape} and fake ${fake.shape} shapes differ`,
    );
  }
  return tf.tidy(() => {
    const n = real.shape[0];
    const eps = tf.randomUniform([n, 1, 1, 1], 0, 1, "float32", seed);
    const xHat = tf.add(
      tf.mul(eps, real),
      tf.mul(tf.sub(1, eps), fake),
    ) as tf.Tensor4D;
    const dx = tf.grad((x: tf.Tensor) =>
      tf.sum(discriminator.apply(x as tf.Tensor4D, labels, training))
    )(xHat);
    const norm = tf.sqrt(tf.add(tf.sum(tf.square(dx), [1, 2, 3]), 1e-12));
    return tf.mul(tf.mean(tf.square(tf.sub(norm, 1))), weight) as tf.Scalar;
  });
}
