/**
 * Structural similarity (Wang et al. 2004) per image, on tensors.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { checkDataRange, checkPair } from "./_check.ts";

/** Options of {@linkcode ssim}. */
export interface SsimOptions {
  /** Difference between the largest and smallest possible pixel value (default 1, images in [0, 1]). */
  dataRange?: number;
  /** Images per tensor batch (bounds memory; default 256). */
  batchSize?: number;
}

/** Window size, Gaussian σ and constants of Wang et al. 2004. */
const WIN = 11;
const SIGMA = 1.5;
const K1 = 0.01;
const K2 = 0.03;

/** The normalised 11-tap Gaussian (σ = 1.5), computed in float64. */
function gaussianTaps(): number[] {
  const r = (WIN - 1) / 2;
  const taps: number[] = [];
  let sum = 0;
  for (let i = -r; i <= r; i++) {
    const w = Math.exp(-(i * i) / (2 * SIGMA * SIGMA));
    taps.push(w);
    sum += w;
  }
  return taps.map((w) => w / sum);
}

/**
 * SSIM of each pair as a `[N]` tensor (no download). The caller owns the
 * result. `a` and `b` must already be checked.
 *
 * @param a NHWC batch.
 * @param b NHWC batch of the same shape.
 * @param dataRange Data range of the pixel values.
 * @returns `[N]` float32 SSIM values.
 */
export function ssimTensor(
  a: tf.Tensor4D,
  b: tf.Tensor4D,
  dataRange = 1,
): tf.Tensor1D {
  const [, h, w, c] = a.shape;
  if (h < WIN || w < WIN) {
    throw new Error(
      `ssim: images must be at least ${WIN}×${WIN} for the 11×11 window, got shape [${a.shape}]`,
    );
  }
  return tf.tidy(() => {
    const x = tf.cast(a, "float32");
    const y = tf.cast(b, "float32");
    // Five maps stacked along the batch axis (contiguous slices afterwards),
    // blurred in one separable depthwise convolution (valid).
    const maps = tf.concat([x, y, tf.square(x), tf.square(y), tf.mul(x, y)], 0);
    const taps = gaussianTaps();
    const ch = c;
    const kw = tf.tile(tf.tensor4d(taps, [1, WIN, 1, 1]), [1, 1, ch, 1]);
    const kh = tf.tile(tf.tensor4d(taps, [WIN, 1, 1, 1]), [1, 1, ch, 1]);
    const blurred = tf.depthwiseConv2d(
      tf.depthwiseConv2d(maps as tf.Tensor4D, kw as tf.Tensor4D, 1, "valid"),
      kh as tf.Tensor4D,
      1,
      "valid",
    );
    const [mx, my, exx, eyy, exy] = tf.split(blurred, 5, 0);
    const c1 = (K1 * dataRange) ** 2;
    const c2 = (K2 * dataRange) ** 2;
    const mxy = tf.mul(mx, my);
    const mx2 = tf.square(mx);
    const my2 = tf.square(my);
    const vx = tf.sub(exx, mx2);
    const vy = tf.sub(eyy, my2);
    const vxy = tf.sub(exy, mxy);
    const num = tf.mul(
      tf.add(tf.mul(mxy, 2), c1),
      tf.add(tf.mul(vxy, 2), c2),
    );
    const den = tf.mul(
      tf.add(tf.add(mx2, my2), c1),
      tf.add(tf.add(vx, vy), c2),
    );
    // Mean over the valid region, then over channels.
    return tf.mean(tf.div(num, den), [1, 2, 3]) as tf.Tensor1D;
  });
}

/**
 * SSIM (Wang et al. 2004) of each image pair: 11×11 Gaussian window with
 * σ = 1.5, K1 = 0.01, K2 = 0.03, population (co)variances, averaged over
 * the fully covered ("valid") region and then over channels — the same as
 * `tf.image.ssim` and scikit-image `structural_similarity(gaussian_weights=True,
 * sigma=1.5, use_sample_covariance=False, channel_axis=-1)`.
 *
 * @param a NHWC batch, at least 11×11 (not disposed).
 * @param b NHWC batch of the same shape (not disposed).
 * @param options Data range and batch size.
 * @returns One SSIM per image pair.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import assert from "node:assert/strict";
 * import { ssim } from "./ssim.ts";
 * await tf.ready();
 * const a = tf.randomUniform([2, 16, 16, 3], 0, 1, "float32", 7) as tf.Tensor4D;
 * const values = await ssim(a, a);
 * assert.equal(values.length, 2);
 * for (const v of values) assert.ok(Math.abs(v - 1) < 1e-6, `${v}`);
 * a.dispose();
 * ```
 */
export async function ssim(
  a: tf.Tensor4D,
  b: tf.Tensor4D,
  options: SsimOptions = {},
): Promise<Float64Array> {
  const metric = "ssim";
  checkPair(metric, a, b);
  const dataRange = options.dataRange ?? 1;
  checkDataRange(metric, dataRange);
  const batchSize = options.batchSize ?? 256;
  if (!(Number.isInteger(batchSize) && batchSize > 0)) {
    throw new Error(
      `${metric}: batchSize must be a positive integer, got ${batchSize}`,
    );
  }
  const n = a.shape[0];
  const out = new Float64Array(n);
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const values = tf.tidy(() => {
      const whole = start === 0 && size === n;
      const sa = whole ? a : tf.slice(a, [start, 0, 0, 0], [size, -1, -1, -1]);
      const sb = whole ? b : tf.slice(b, [start, 0, 0, 0], [size, -1, -1, -1]);
      return ssimTensor(sa, sb, dataRange);
    });
    out.set(await values.data(), start);
    values.dispose();
  }
  return out;
}
