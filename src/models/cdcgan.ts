/**
 * `cdcgan`: conditional DCGAN for 32×32×C images. G is `dcgan`'s with the
 * one-hot label concatenated to z; D is `dcgan`'s with one-hot label maps
 * concatenated to the image as extra channels.
 *
 * @module
 */
import { dcganFamily } from "./_dcgan_family.ts";
import type { Variant } from "./types.ts";

/**
 * The `cdcgan` variant.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { cdcgan } from "./cdcgan.ts";
 * const { generator } = cdcgan.build({
 *   shape: { height: 32, width: 32, channels: 1 }, numClasses: 10, seed: 1, criticNorm: "batchnorm",
 * });
 * const x = generator.apply(tf.randomNormal([2, 100]), tf.tensor1d([3, 7], "int32"), false);
 * ```
 */
export const cdcgan: Variant = dcganFamily({
  id: "cdcgan",
  conditional: true,
  critic: "dcgan",
});
