/**
 * Pair batches as TF.js tensors, for a trainer's step or an evaluation.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { ImageShape } from "../types.ts";
import type { PairBatch } from "./types.ts";

/**
 * Wraps NHWC float32 values as a tensor `[count, h, w, c]`, checking the
 * length.
 *
 * @param values The images.
 * @param count The number of images.
 * @param shape One image's shape.
 * @returns A new tensor; the caller disposes it.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { imagesTensor } from "./tensor.ts";
 * await tf.setBackend("cpu");
 * const x = imagesTensor(new Float32Array(8), 2, { height: 2, width: 2, channels: 1 });
 * x.shape; // [2, 2, 2, 1]
 * x.dispose();
 * ```
 */
export function imagesTensor(
  values: Float32Array,
  count: number,
  shape: ImageShape,
): tf.Tensor4D {
  const { height: h, width: w, channels: c } = shape;
  if (values.length !== count * h * w * c) {
    throw new Error(
      `imagesTensor: ${values.length} values, expected ${count} × ${h}×${w}×${c}`,
    );
  }
  return tf.tensor4d(values, [count, h, w, c], "float32");
}

/**
 * A batch's inputs and targets as tensors.
 *
 * @param batch The batch.
 * @returns `input` `[n, h, w, c_in]` and `target` `[n, h, w, c_out]`; the
 *   caller disposes both.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { loadSynthetic } from "../synthetic.ts";
 * import { buildInpaint } from "./inpaint.ts";
 * import { pairTensors } from "./tensor.ts";
 * await tf.setBackend("cpu");
 * const ds = loadSynthetic({ size: 28, trainCount: 8, testCount: 4 });
 * const { input, target } = pairTensors(buildInpaint(ds).train.batch([0, 1]));
 * input.shape; // [2, 28, 28, 2]
 * tf.dispose([input, target]);
 * ```
 */
export function pairTensors(
  batch: PairBatch,
): { input: tf.Tensor4D; target: tf.Tensor4D } {
  const input = imagesTensor(batch.input, batch.count, batch.inputShape);
  const target = imagesTensor(batch.target, batch.count, batch.targetShape);
  return { input, target };
}
