/**
 * The two input conventions of published FID / IS numbers, from ganbench's
 * NHWC images in [−1, 1] to the Inception input `[N, 299, 299, 3]`:
 *
 * - `pytorch` (pytorch-fid): float images in [0, 1], bilinear resize with
 *   half-pixel centres (`F.interpolate(..., align_corners=False)`, no
 *   antialias), then `2x − 1`.
 * - `tf1` (TTUR, torch-fidelity, the original TF1 code): images quantised to
 *   uint8 first, TF1's legacy bilinear resize (source = dst · in/out, no
 *   half-pixel offset: torch-fidelity's
 *   `interpolate_bilinear_2d_like_tensorflow1x`), then `(x − 128) / 128`.
 *
 * Grey images are tiled to RGB (what PIL's `convert("RGB")` does for both).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { INPUT_SIZE } from "./architecture.ts";

/** An input convention (see the module text). */
export type InceptionConvention = "pytorch" | "tf1";

/** The conventions, for validation and help texts. */
export const INCEPTION_CONVENTIONS: readonly InceptionConvention[] = [
  "pytorch",
  "tf1",
];

/**
 * PyTorch's `F.interpolate(x, size, mode="bilinear", align_corners=False)`
 * (half-pixel centres, edge-clamped, no antialias) on NHWC images.
 *
 * @param x `[N, h, w, c]`.
 * @param size `[height, width]` of the result.
 * @returns `[N, height, width, c]`.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { resizeBilinearHalfPixel } from "./resize.ts";
 * resizeBilinearHalfPixel(tf.zeros([1, 28, 28, 1]), [299, 299]).shape; // [1, 299, 299, 1]
 * ```
 */
export function resizeBilinearHalfPixel(
  x: tf.Tensor4D,
  size: [number, number],
): tf.Tensor4D {
  return tf.image.resizeBilinear(x, size, false, true);
}

/**
 * TensorFlow 1.x's `tf.image.resize_bilinear(align_corners=False)`: source
 * coordinate `dst · in / out`, upper neighbour clamped to the last pixel
 * (torch-fidelity's `interpolate_bilinear_2d_like_tensorflow1x`).
 *
 * @param x `[N, h, w, c]`.
 * @param size `[height, width]` of the result.
 * @returns `[N, height, width, c]`.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { resizeBilinearTf1 } from "./resize.ts";
 * resizeBilinearTf1(tf.zeros([1, 32, 32, 3]), [299, 299]).shape; // [1, 299, 299, 3]
 * ```
 */
export function resizeBilinearTf1(
  x: tf.Tensor4D,
  size: [number, number],
): tf.Tensor4D {
  return tf.image.resizeBilinear(x, size, false, false);
}

/**
 * Quantises images in [−1, 1] to the uint8 values 0 … 255 (as float32):
 * `clamp(floor((x + 1) · 127.5 + ½), 0, 255)`, which recovers the bytes of
 * real images stored as `u8 / 127.5 − 1`.
 *
 * @param x Images in [−1, 1].
 * @returns Integer values in [0, 255], float32.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { quantizeToUint8 } from "./resize.ts";
 * quantizeToUint8(tf.tensor1d([-1, 0, 1])).dataSync(); // [0, 128, 255]
 * ```
 */
export function quantizeToUint8<T extends tf.Tensor>(x: T): T {
  return tf.tidy(() =>
    tf.clipByValue(tf.floor(tf.add(tf.mul(tf.add(x, 1), 127.5), 0.5)), 0, 255)
  ) as T;
}

/**
 * Brings NHWC images in [−1, 1] to the network's input in one convention.
 *
 * @param images `[N, h, w, 1 | 3]` in [−1, 1].
 * @param convention `pytorch` or `tf1`.
 * @returns `[N, 299, 299, 3]` (a new tensor).
 * @throws {Error} When the images are not rank 4 with 1 or 3 channels.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { prepareInceptionInput } from "./resize.ts";
 * const x = prepareInceptionInput(tf.zeros([2, 32, 32, 3]), "tf1");
 * x.shape; // [2, 299, 299, 3]
 * ```
 */
export function prepareInceptionInput(
  images: tf.Tensor4D,
  convention: InceptionConvention,
): tf.Tensor4D {
  if (images.rank !== 4 || (images.shape[3] !== 1 && images.shape[3] !== 3)) {
    throw new Error(
      `Inception input: images must be NHWC with 1 or 3 channels, got shape [${images.shape}]`,
    );
  }
  if (convention !== "pytorch" && convention !== "tf1") {
    throw new Error(
      `Inception input: unknown convention "${convention}" (expected ${
        INCEPTION_CONVENTIONS.join(" or ")
      })`,
    );
  }
  const size: [number, number] = [INPUT_SIZE, INPUT_SIZE];
  const same = images.shape[1] === INPUT_SIZE && images.shape[2] === INPUT_SIZE;
  return tf.tidy(() => {
    let x: tf.Tensor4D;
    if (convention === "pytorch") {
      // [0, 1] first, as pytorch-fid receives it; resize; then 2x − 1.
      x = tf.div(tf.add(images, 1), 2);
      if (!same) x = resizeBilinearHalfPixel(x, size);
      x = tf.sub(tf.mul(x, 2), 1);
    } else {
      x = quantizeToUint8(images);
      if (!same) x = resizeBilinearTf1(x, size);
      x = tf.div(tf.sub(x, 128), 128);
    }
    // Resizing one channel and tiling after equals tiling first.
    return images.shape[3] === 1 ? tf.tile(x, [1, 1, 1, 3]) : x;
  });
}
