/**
 * Numerically stable building blocks of the logistic losses.
 *
 * softplus(x) = log(1 + eᕽ) = max(x, 0) + log1p(e^(−|x|)) — finite for every
 * finite x and exact to float32 precision at large |x| on every backend (the
 * CPU kernel of tf.softplus is stable, but this form does not rely on each
 * backend's kernel). Its gradient is σ(x), also stable.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/**
 * Stable softplus.
 *
 * @param x Input.
 * @returns log(1 + exp(x)), elementwise.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { softplus } from "./_stable.ts";
 * softplus(tf.scalar(100)); // 100, not Infinity
 * ```
 */
export function softplus(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.add(tf.relu(x), tf.log1p(tf.exp(tf.neg(tf.abs(x))))));
}

/**
 * log σ(x) = −softplus(−x).
 *
 * @param x Logits.
 * @returns Elementwise log-sigmoid.
 */
export function logSigmoid(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.neg(softplus(tf.neg(x))));
}

/**
 * log(1 − σ(x)) = −softplus(x).
 *
 * @param x Logits.
 * @returns Elementwise log(1 − sigmoid).
 */
export function logOneMinusSigmoid(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.neg(softplus(x)));
}

/**
 * Mean over all elements as a scalar.
 *
 * @param x Input.
 * @returns The scalar mean.
 */
export function meanAll(x: tf.Tensor): tf.Scalar {
  return tf.mean(x) as tf.Scalar;
}
