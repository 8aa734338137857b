/**
 * Input checks shared by the image metrics (private).
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";

/**
 * Throws unless `a` and `b` are NHWC 4-D tensors of the same shape.
 *
 * @param metric The metric's name, for the message.
 * @param a First batch.
 * @param b Second batch.
 */
export function checkPair(metric: string, a: tf.Tensor, b: tf.Tensor): void {
  if (a.rank !== 4 || b.rank !== 4) {
    throw new Error(
      `${metric}: images must be 4-D NHWC tensors, got shapes [${a.shape}] and [${b.shape}]`,
    );
  }
  if (a.shape.some((s, i) => s !== b.shape[i])) {
    throw new Error(
      `${metric}: image batches must have equal shapes, got [${a.shape}] and [${b.shape}]`,
    );
  }
}

/**
 * Throws unless `dataRange` is a positive finite number.
 *
 * @param metric The metric's name, for the message.
 * @param dataRange The value to check.
 */
export function checkDataRange(metric: string, dataRange: number): void {
  if (!(dataRange > 0 && Number.isFinite(dataRange))) {
    throw new Error(
      `${metric}: dataRange must be a positive number, got ${dataRange}`,
    );
  }
}
