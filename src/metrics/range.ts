/**
 * Pixel range conversion for the metrics.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/**
 * Maps images from the generator's [-1, 1] to the metrics' [0, 1]:
 * (x + 1) / 2, clipped to [0, 1]. The caller owns the result.
 *
 * @param images Any tensor with values in [-1, 1] (not disposed).
 * @returns A new float32 tensor of the same shape in [0, 1].
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import assert from "node:assert/strict";
 * import { toUnitRange } from "./range.ts";
 * await tf.ready();
 * const x = tf.tensor1d([-1, 0, 1]);
 * const y = toUnitRange(x);
 * assert.deepEqual(Array.from(y.dataSync()), [0, 0.5, 1]);
 * tf.dispose([x, y]);
 * ```
 */
export function toUnitRange<T extends tf.Tensor>(images: T): T {
  return tf.tidy(() =>
    tf.clipByValue(
      tf.mul(tf.add(tf.cast(images, "float32"), 1), 0.5),
      0,
      1,
    )
  ) as T;
}
