/**
 * Input checks shared by the image metrics (private).
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";

/**
 * Throws unless `a` and `b` are NHWC 4-D tensors of the same shape.
 *
 * @param file The metric's file, for the message.
 * @param a First batch.
 * @param b Second batch.
 */
export function checkPair(file: string, a: tf.Tensor, b: tf.Tensor): void {
  if (a.rank !== 4 || b.rank !== 4) {
    throw new Error(
      `${file}: images must be 4-D NHWC tensors, got shapes [${a.shape}] and [${b.shape}]`,
    );
  }
  if (a.shape.some((s, i) => s !== b.shape[i])) {
    throw new Error(
      `${file}: image batches must have equal shapes, got [${a.shape}] and [${b.shape}]`,
    );
  }
}

/**
 * Throws unless `dataRange` is a positive finite number.
 *
 * @param file The metric's file, for the message.
 * @param dataRange The value to check.
 */
export function checkDataRange(file: string, dataRange: number): void {
  if (!(dataRange > 0 && Number.isFinite(dataRange))) {
    throw new Error(
      `${file}: dataRange must be a positive number, got ${dataRange}`,
    );
  }
}
