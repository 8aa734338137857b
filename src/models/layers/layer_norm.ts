/**
 * Layer normalisation: per sample over all non-batch axes, with a learned
 * per-feature (per-channel) scale and offset. The replacement for BatchNorm in
 * critics trained with a gradient penalty (the penalty is per sample, so the
 * critic must not mix samples). Built from elementary ops whose second
 * derivatives are exact in TF.js.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { ParamStore } from "./param_store.ts";

/** A LayerNorm layer. */
export class LayerNorm {
  /** Scale γ [C]. */
  readonly gamma: tf.Variable;
  /** Offset β [C]. */
  readonly beta: tf.Variable;

  /**
   * Creates the layer's variables.
   *
   * @param store Owner of the variables.
   * @param name Layer name.
   * @param channels Features / channels (last axis).
   * @param epsilon Variance epsilon (default 1e-5).
   * @example
   * ```ts
   * import { ParamStore } from "./param_store.ts";
   * import { LayerNorm } from "./layer_norm.ts";
   * const ln = new LayerNorm(new ParamStore("D", 1), "ln1", 128);
   * ```
   */
  constructor(
    store: ParamStore,
    name: string,
    readonly channels: number,
    readonly epsilon = 1e-5,
  ) {
    this.gamma = store.add(`${name}/gamma`, [channels], {
      kind: "constant",
      value: 1,
    });
    this.beta = store.add(`${name}/beta`, [channels], {
      kind: "constant",
      value: 0,
    });
  }

  /**
   * Runs the layer.
   *
   * @param x Input [N, C] or [N, H, W, C].
   * @returns Normalised input, same shape.
   */
  apply<T extends tf.Tensor>(x: T): T {
    const axes = x.shape.slice(1).map((_, i) => i + 1);
    const mean = tf.mean(x, axes, true);
    const centred = tf.sub(x, mean);
    const variance = tf.mean(tf.square(centred), axes, true);
    return tf.add(
      tf.mul(
        tf.mul(centred, tf.rsqrt(tf.add(variance, this.epsilon))),
        this.gamma,
      ),
      this.beta,
    ) as T;
  }
}
