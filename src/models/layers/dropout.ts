/**
 * Seeded (inverted) dropout. Each call in training mode draws a fresh mask
 * from a seed derived from the layer seed and a call counter, so a run
 * repeats exactly under the same seed.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { deriveSeed } from "./param_store.ts";

/** A dropout layer. */
export class Dropout {
  #calls = 0;

  /** Calls so far in training mode (each draws a fresh mask); checkpointed. */
  get calls(): number {
    return this.#calls;
  }

  /** Restores the call count (resuming from a checkpoint). */
  set calls(value: number) {
    this.#calls = value;
  }

  /**
   * Creates a dropout layer.
   *
   * @param rate Fraction of units dropped (0 ≤ rate < 1).
   * @param seed Seed of the mask stream.
   * @example
   * ```ts
   * import { Dropout } from "./dropout.ts";
   * const drop = new Dropout(0.4, 7);
   * ```
   */
  constructor(readonly rate: number, readonly seed: number) {
    if (!(rate >= 0 && rate < 1)) {
      throw new Error(`dropout: rate must be in [0, 1), got ${rate}`);
    }
  }

  /**
   * Runs the layer.
   *
   * @param x Input.
   * @param training Drop units (training) or pass through (inference).
   * @returns x·mask/(1−rate) in training, x otherwise.
   */
  apply<T extends tf.Tensor>(x: T, training: boolean): T {
    if (!training || this.rate === 0) return x;
    const seed = deriveSeed(this.seed, this.#calls++);
    const keep = 1 - this.rate;
    const mask = tf.tidy(() =>
      tf.div(
        tf.cast(
          tf.less(tf.randomUniform(x.shape, 0, 1, "float32", seed), keep),
          "float32",
        ),
        keep,
      )
    );
    const y = tf.mul(x, mask) as T;
    mask.dispose();
    return y;
  }
}
