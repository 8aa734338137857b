/**
 * Conversions between uint8 image splits and TF.js tensors: NHWC float32 in
 * [−1, 1] (x / 127.5 − 1), plus padding and centre cropping (e.g. to run
 * 32×32 architectures on 28×28 MNIST).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Split } from "./types.ts";

/**
 * Converts (a subset of) a split to a float32 NHWC tensor in [−1, 1].
 *
 * @param split The split (uint8 NHWC images).
 * @param shape `[height, width, channels]` of one image.
 * @param indices Which images, in order (default: all).
 * @returns A new tensor `[n, h, w, c]`; the caller disposes it.
 * @example
 * ```ts
 * import { loadSynthetic } from "./synthetic.ts";
 * import { toImageTensor } from "./tensor.ts";
 * const ds = loadSynthetic({ size: 16, trainCount: 8, testCount: 4 });
 * const x = toImageTensor(ds.train, [16, 16, 1], [0, 3, 5]); // [3, 16, 16, 1]
 * ```
 */
export function toImageTensor(
  split: Split,
  shape: [number, number, number],
  indices?: ArrayLike<number>,
): tf.Tensor4D {
  const [h, w, c] = shape;
  const size = h * w * c;
  if (!(size > 0) || split.images.length !== split.count * size) {
    throw new Error(
      `toImageTensor shape [${
        shape.join(",")
      }]: split has ${split.images.length} bytes, expected ${split.count} × ${size}`,
    );
  }
  const n = indices ? indices.length : split.count;
  const out = new Float32Array(n * size);
  const src = split.images;
  for (let i = 0; i < n; i++) {
    const k = indices ? indices[i] : i;
    if (!Number.isInteger(k) || k < 0 || k >= split.count) {
      throw new Error(
        `toImageTensor index ${k} at position ${i}: out of range 0…${
          split.count - 1
        }`,
      );
    }
    const s = k * size;
    const d = i * size;
    for (let j = 0; j < size; j++) out[d + j] = src[s + j] / 127.5 - 1;
  }
  return tf.tensor4d(out, [n, h, w, c], "float32");
}

/**
 * Converts a [−1, 1] NHWC tensor back to uint8 bytes (rounded, clamped).
 *
 * @param images Tensor `[n, h, w, c]` in [−1, 1].
 * @returns `n*h*w*c` bytes, NHWC.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { fromImageTensor } from "./tensor.ts";
 * const samples = tf.zeros([2, 4, 4, 1]) as tf.Tensor4D;
 * const bytes = await fromImageTensor(samples); // 32 bytes of 128
 * ```
 */
export async function fromImageTensor(
  images: tf.Tensor4D,
): Promise<Uint8Array> {
  const values = await images.data();
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = Math.round((values[i] + 1) * 127.5);
    out[i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
  return out;
}

/**
 * Pads images symmetrically to `size`×`size` (28 → 32 adds 2 px on each
 * side; an odd difference puts the extra pixel bottom/right).
 *
 * @param images Tensor `[n, h, w, c]` with h, w ≤ size.
 * @param size The target side.
 * @param value The pad value (default −1, black in [−1, 1] scale).
 * @returns A new tensor `[n, size, size, c]`.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { padTo } from "./tensor.ts";
 * const x28 = tf.zeros([2, 28, 28, 1]) as tf.Tensor4D;
 * const x32 = padTo(x28, 32); // [2, 32, 32, 1]
 * ```
 */
export function padTo(
  images: tf.Tensor4D,
  size: number,
  value = -1,
): tf.Tensor4D {
  const [, h, w] = images.shape;
  if (!Number.isInteger(size) || size < h || size < w) {
    throw new Error(
      `padTo size ${size}: must be an integer ≥ the image size ${h}x${w}`,
    );
  }
  const top = Math.floor((size - h) / 2);
  const left = Math.floor((size - w) / 2);
  return tf.tidy(() =>
    tf.pad(images, [[0, 0], [top, size - h - top], [
      left,
      size - w - left,
    ], [0, 0]], value)
  );
}

/**
 * Crops the centre `size`×`size` of each image (the inverse of
 * {@linkcode padTo}).
 *
 * @param images Tensor `[n, h, w, c]` with h, w ≥ size.
 * @param size The target side.
 * @returns A new tensor `[n, size, size, c]`.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { centerCrop } from "./tensor.ts";
 * const x32 = tf.zeros([2, 32, 32, 1]) as tf.Tensor4D;
 * const x28 = centerCrop(x32, 28); // [2, 28, 28, 1]
 * ```
 */
export function centerCrop(images: tf.Tensor4D, size: number): tf.Tensor4D {
  const [n, h, w, c] = images.shape;
  if (!Number.isInteger(size) || size < 1 || size > h || size > w) {
    throw new Error(
      `centerCrop size ${size}: must be an integer in 1…${Math.min(h, w)}`,
    );
  }
  const top = Math.floor((h - size) / 2);
  const left = Math.floor((w - size) / 2);
  return tf.tidy(() => tf.slice(images, [0, top, left, 0], [n, size, size, c]));
}
