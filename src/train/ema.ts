/**
 * An exponential moving average of the generator's weights ("G_ema"), the
 * generator that BigGAN, StyleGAN and most published GAN numbers evaluate
 * (Yazıcı et al. 2019, "The Unusual Effectiveness of Averaging in GAN
 * Training"). Training is unchanged: D still plays against the raw G; only
 * the evaluation samples come from the average.
 *
 * After G step t the trainable weights become
 * `ema ← d·ema + (1 − d)·w` with `d = min(decay, (1 + t) / (10 + t))`, the
 * warm-up of TensorFlow's `ExponentialMovingAverage(num_updates)`, so that a
 * short run is not dominated by its random initialisation. Non-trainable
 * state (BatchNorm moving statistics) is copied from the raw G.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Generator } from "../models/types.ts";

/** The moving average of one generator, kept in a second generator. */
export class GeneratorEma {
  /** The averaged generator (evaluate with it; do not dispose it). */
  readonly generator: Generator;
  /** The decay `d` once warmed up, in (0, 1). */
  readonly decay: number;
  #source: Generator;
  #trainable: boolean[];

  /**
   * @param source The generator being trained.
   * @param copy A generator of identical architecture (variables in the same
   *   order), owned by this object from now on; it starts as a copy of
   *   `source`.
   * @param decay The EMA decay, in (0, 1); e.g. 0.999.
   * @throws Error When the decay is out of range or the architectures differ.
   * @example
   * ```ts ignore
   * const ema = new GeneratorEma(generator, variant.build({ ...opts, scope: "ema/" }).generator, 0.999);
   * ema.update(1); // after the first G step
   * ```
   */
  constructor(source: Generator, copy: Generator, decay: number) {
    if (!(decay > 0 && decay < 1)) {
      throw new Error(`gEma: decay must be in (0, 1), got ${decay}`);
    }
    if (
      copy.variables.length !== source.variables.length ||
      copy.variables.some((v, i) =>
        v.shape.join("x") !== source.variables[i].shape.join("x")
      )
    ) {
      throw new Error(
        "gEma: the copy's variables do not match the generator's",
      );
    }
    this.generator = copy;
    this.decay = decay;
    this.#source = source;
    const trainable = new Set(source.trainableVariables);
    this.#trainable = source.variables.map((v) => trainable.has(v));
    this.copyFromSource();
  }

  /** Sets every averaged weight to the raw generator's current value. */
  copyFromSource(): void {
    tf.tidy(() => {
      this.generator.variables.forEach((v, i) =>
        v.assign(this.#source.variables[i])
      );
    });
  }

  /**
   * Folds the raw weights into the average after G step `step`.
   *
   * @param step Completed G steps (≥ 1).
   */
  update(step: number): void {
    const d = Math.min(this.decay, (1 + step) / (10 + step));
    tf.tidy(() => {
      const source = this.#source.variables;
      this.generator.variables.forEach((v, i) => {
        v.assign(
          this.#trainable[i]
            ? tf.add(v, tf.mul(tf.sub(source[i], v), 1 - d))
            : source[i],
        );
      });
    });
  }

  /** Disposes the averaged generator. */
  dispose(): void {
    this.generator.dispose();
  }
}
