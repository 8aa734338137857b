/**
 * Peak signal-to-noise ratio per image.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { checkDataRange, checkPair } from "./_check.ts";

/** Options of {@linkcode psnr}. */
export interface PsnrOptions {
  /** Difference between the largest and smallest possible pixel value (default 1, images in [0, 1]). */
  dataRange?: number;
}

/**
 * PSNR = 10·log10(dataRange² / MSE) of each image pair, the MSE taken over
 * all pixels and channels (as scikit-image `peak_signal_noise_ratio`).
 * Identical images give `Infinity`.
 *
 * @param a NHWC batch (not disposed).
 * @param b NHWC batch of the same shape (not disposed).
 * @param options Data range.
 * @returns One PSNR in dB per image.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import assert from "node:assert/strict";
 * import { psnr } from "./psnr.ts";
 * await tf.ready();
 * const a = tf.zeros([1, 4, 4, 1]) as tf.Tensor4D;
 * const b = tf.fill([1, 4, 4, 1], 0.1) as tf.Tensor4D;
 * const [value] = await psnr(a, b);
 * assert.ok(Math.abs(value - 20) < 1e-4, `${value}`); // 20 dB (MSE = 0.01)
 * tf.dispose([a, b]);
 * ```
 */
export async function psnr(
  a: tf.Tensor4D,
  b: tf.Tensor4D,
  options: PsnrOptions = {},
): Promise<Float64Array> {
  const metric = "psnr";
  checkPair(metric, a, b);
  const dataRange = options.dataRange ?? 1;
  checkDataRange(metric, dataRange);
  if (a.shape[0] === 0) return new Float64Array(0);
  const mse = tf.tidy(() =>
    tf.mean(
      tf.squaredDifference(tf.cast(a, "float32"), tf.cast(b, "float32")),
      [1, 2, 3],
    )
  );
  const values = await mse.data();
  mse.dispose();
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    out[i] = 10 * Math.log10((dataRange * dataRange) / values[i]);
  }
  return out;
}
