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
 * short run is not dominated by its random initialisation. BatchNorm moving
 * statistics belong to the weights that produced them, so before each
 * evaluation {@linkcode GeneratorEma.refreshStatistics} re-estimates them for
 * the averaged weights from fixed noise (BigGAN's "standing statistics");
 * between evaluations they follow the raw G's.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Generator } from "../models/types.ts";

/** Batches run by {@linkcode GeneratorEma.refreshStatistics}. */
export const STATISTICS_BATCHES = 40;
/** Batch size of {@linkcode GeneratorEma.refreshStatistics}. */
export const STATISTICS_BATCH_SIZE = 64;
/** First noise seed of {@linkcode GeneratorEma.refreshStatistics}. */
const STATISTICS_SEED = 0x5eed;

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

  /**
   * Re-estimates the averaged generator's BatchNorm moving statistics: runs
   * it in training mode on {@linkcode STATISTICS_BATCHES} batches of
   * {@linkcode STATISTICS_BATCH_SIZE} from fixed noise (balanced labels for a
   * conditional G), so that with momentum ≤ 0.9 under 2 % of the old
   * statistics remain. Deterministic; a no-op for a G without BatchNorm.
   *
   * @param numClasses Label classes of a conditional G; 0 otherwise.
   */
  refreshStatistics(numClasses: number): void {
    const g = this.generator;
    if (this.#trainable.every((t) => t)) return; // no moving statistics
    for (let k = 0; k < STATISTICS_BATCHES; k++) {
      tf.tidy(() => {
        const z = tf.randomNormal(
          [STATISTICS_BATCH_SIZE, g.zDim],
          0,
          1,
          "float32",
          STATISTICS_SEED + k,
        ) as tf.Tensor2D;
        const labels = numClasses > 0
          ? tf.tensor1d(
            Array.from(
              { length: STATISTICS_BATCH_SIZE },
              (_, i) => (i + k * STATISTICS_BATCH_SIZE) % numClasses,
            ),
            "int32",
          )
          : null;
        g.apply(z, labels, true);
      });
    }
  }

  /** Disposes the averaged generator. */
  dispose(): void {
    this.generator.dispose();
  }
}
