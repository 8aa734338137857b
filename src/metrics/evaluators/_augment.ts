/**
 * Building (optionally augmented) training batches from uint8 splits: seeded
 * random shifts (zero padding) and horizontal flips, done on the bytes before
 * scaling to [−1, 1].
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Rng } from "../../util/random.ts";
import type { Split } from "../../data/types.ts";
import type { Augmentation, ImageShape3 } from "./types.ts";

/** Largest shift in pixels of the `shift` augmentation. */
export const MAX_SHIFT = 2;

/**
 * Images `indices` of a split as a float32 NHWC tensor in [−1, 1], each
 * shifted by up to ±{@linkcode MAX_SHIFT} px in x and y (zero fill) and, for
 * `shift-flip`, mirrored left–right with probability ½.
 *
 * @param split The split.
 * @param shape `[h, w, c]` of one image.
 * @param indices Which images.
 * @param augment The augmentation.
 * @param rng Seeded generator (consumed even for `none`, never).
 * @returns A new tensor `[n, h, w, c]`.
 */
export function augmentedBatch(
  split: Split,
  shape: ImageShape3,
  indices: ArrayLike<number>,
  augment: Augmentation,
  rng: Rng,
): tf.Tensor4D {
  const [h, w, c] = shape;
  const size = h * w * c;
  const n = indices.length;
  const out = new Float32Array(n * size).fill(-1);
  const src = split.images;
  const span = 2 * MAX_SHIFT + 1;
  for (let i = 0; i < n; i++) {
    const s = indices[i] * size;
    const d = i * size;
    let dy = 0;
    let dx = 0;
    let flip = false;
    if (augment !== "none") {
      dy = Math.floor(rng() * span) - MAX_SHIFT;
      dx = Math.floor(rng() * span) - MAX_SHIFT;
      if (augment === "shift-flip") flip = rng() < 0.5;
    }
    for (let y = 0; y < h; y++) {
      const sy = y - dy;
      if (sy < 0 || sy >= h) continue;
      for (let x = 0; x < w; x++) {
        const sx0 = x - dx;
        if (sx0 < 0 || sx0 >= w) continue;
        const sx = flip ? w - 1 - sx0 : sx0;
        const so = s + (sy * w + sx) * c;
        const dOff = d + (y * w + x) * c;
        for (let k = 0; k < c; k++) out[dOff + k] = src[so + k] / 127.5 - 1;
      }
    }
  }
  return tf.tensor4d(out, [n, h, w, c], "float32");
}
