/**
 * Top-1 accuracy of a classifier on a data set split.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import { toImageTensor } from "../../data/tensor.ts";
import type { Split } from "../../data/types.ts";
import type { ImageShape3 } from "./types.ts";

/** Images per forward pass when measuring accuracy. */
const EVAL_BATCH = 500;

/**
 * Top-1 accuracy of a classifier on (the first `count` images of) a split.
 *
 * @param model Images → logits (a layers model), or a function from images to
 *   logits or probabilities (same argmax).
 * @param split The split.
 * @param shape `[h, w, c]`.
 * @param count Images to use (default all).
 * @returns Accuracy in [0, 1].
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { loadSynthetic } from "../../data/synthetic.ts";
 * import { testAccuracy } from "./accuracy.ts";
 * const ds = loadSynthetic({ trainCount: 8, testCount: 8 });
 * // A "classifier" that always answers class 0.
 * const always0 = (x: tf.Tensor4D) => tf.oneHot(tf.zeros([x.shape[0]], "int32"), ds.numClasses) as tf.Tensor2D;
 * const acc = await testAccuracy(always0, ds.test, [16, 16, 1]);
 * ```
 */
export async function testAccuracy(
  model: tfl.LayersModel | ((images: tf.Tensor4D) => tf.Tensor2D),
  split: Split,
  shape: ImageShape3,
  count = split.count,
): Promise<number> {
  const n = Math.min(count, split.count);
  let correct = 0;
  for (let start = 0; start < n; start += EVAL_BATCH) {
    const end = Math.min(n, start + EVAL_BATCH);
    const idx = new Int32Array(end - start);
    for (let i = 0; i < idx.length; i++) idx[i] = start + i;
    const predicted = tf.tidy(() => {
      const x = toImageTensor(split, shape, idx);
      const scores = typeof model === "function"
        ? model(x)
        : model.predict(x) as tf.Tensor2D;
      return tf.argMax(scores, 1);
    });
    const p = await predicted.data();
    predicted.dispose();
    for (let i = 0; i < p.length; i++) {
      if (p[i] === split.labels[start + i]) correct++;
    }
  }
  return n === 0 ? 0 : correct / n;
}
