/**
 * Batch normalisation over all axes but the last (features / channels), with
 * training and inference modes and moving statistics.
 *
 * Moving statistics follow Keras momentum semantics:
 * `moving = momentum·moving + (1 − momentum)·batch` (PyTorch's momentum 0.1
 * is Keras momentum 0.9). The moving variance is updated with the unbiased
 * batch variance (as PyTorch), normalisation uses the biased one. Moving
 * statistics are non-trainable variables: they are saved in checkpoints and
 * never receive gradients. Written with elementary ops so that first and
 * second derivatives are exact.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Init, ParamStore } from "./param_store.ts";

/** Options of {@linkcode BatchNorm}. */
export interface BatchNormOptions {
  /** Keras momentum of the moving statistics (mlp 0.8, DCGAN 0.9). */
  momentum: number;
  /** Variance epsilon (Keras 1e-3, PyTorch 1e-5). */
  epsilon: number;
  /** Initialiser of γ (default constant 1; DCGAN N(1, 0.02)). */
  gammaInit?: Init;
}

/** A BatchNorm layer. */
export class BatchNorm {
  /** Scale γ [C]. */
  readonly gamma: tf.Variable;
  /** Offset β [C]. */
  readonly beta: tf.Variable;
  /** Moving mean [C] (non-trainable). */
  readonly movingMean: tf.Variable;
  /** Moving variance [C] (non-trainable). */
  readonly movingVariance: tf.Variable;

  /**
   * Creates the layer's variables.
   *
   * @param store Owner of the variables.
   * @param name Layer name.
   * @param channels Features / channels (last axis).
   * @param options Momentum, epsilon, γ initialiser.
   * @example
   * ```ts
   * import { ParamStore } from "./param_store.ts";
   * import { BatchNorm } from "./batch_norm.ts";
   * const bn = new BatchNorm(new ParamStore("G", 1), "bn0", 8, { momentum: 0.8, epsilon: 1e-3 });
   * ```
   */
  constructor(
    store: ParamStore,
    name: string,
    readonly channels: number,
    readonly options: BatchNormOptions,
  ) {
    this.gamma = store.add(
      `${name}/gamma`,
      [channels],
      options.gammaInit ?? { kind: "constant", value: 1 },
    );
    this.beta = store.add(`${name}/beta`, [channels], {
      kind: "constant",
      value: 0,
    });
    this.movingMean = store.add(`${name}/movingMean`, [channels], {
      kind: "constant",
      value: 0,
    }, false);
    this.movingVariance = store.add(`${name}/movingVariance`, [channels], {
      kind: "constant",
      value: 1,
    }, false);
  }

  /**
   * Normalises `x`. In training mode uses the batch statistics and updates
   * the moving statistics (one update per call); in inference mode uses the
   * moving statistics.
   *
   * @param x Input [N, C] or [N, H, W, C].
   * @param training Mode.
   * @returns Normalised, scaled and shifted input.
   */
  apply<T extends tf.Tensor>(x: T, training: boolean): T {
    const { epsilon, momentum } = this.options;
    if (!training) {
      return tf.tidy(() =>
        tf.add(
          tf.mul(
            tf.mul(
              tf.sub(x, this.movingMean),
              tf.rsqrt(
                tf.add(this.movingVariance, epsilon),
              ),
            ),
            this.gamma,
          ),
          this.beta,
        )
      ) as T;
    }
    const axes = x.shape.slice(0, -1).map((_, i) => i);
    const count = x.size / this.channels;
    const mean = tf.mean(x, axes);
    const centred = tf.sub(x, mean);
    const variance = tf.mean(tf.square(centred), axes);
    // Moving statistics: values only, outside any gradient path.
    tf.tidy(() => {
      const unbiased = count > 1
        ? tf.mul(variance, count / (count - 1))
        : variance;
      this.movingMean.assign(
        tf.add(
          tf.mul(this.movingMean, momentum),
          tf.mul(mean, 1 - momentum),
        ),
      );
      this.movingVariance.assign(
        tf.add(
          tf.mul(this.movingVariance, momentum),
          tf.mul(unbiased, 1 - momentum),
        ),
      );
    });
    // γ is folded into the per-channel scale ([C] ops) so that the full-size
    // tensor sees one multiply and one add (and the backward pass one fewer
    // full-size multiply and reduction); equal up to float rounding.
    const scale = tf.mul(tf.rsqrt(tf.add(variance, epsilon)), this.gamma);
    return tf.add(tf.mul(centred, scale), this.beta) as T;
  }
}
