/**
 * The losses of a training run as they come off the device: each step's
 * loss and gradient-norm scalars are queued and read back in one batch
 * ({@linkcode LossMeter.drain}), summed into the means of the current
 * evaluation interval, and checked for divergence (the first NaN or ±Inf).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/** Means over one evaluation interval. */
export interface IntervalMeans {
  /** Mean D loss over the interval's D steps. */
  dLoss: number;
  /** Mean G loss over the interval's G steps. */
  gLoss: number;
  /** Mean global L2 norm of D's parameter gradients. */
  gradNormD: number;
  /** Mean global L2 norm of G's parameter gradients. */
  gradNormG: number;
}

/** The first non-finite loss of a run. */
export interface Divergence {
  /** The G step whose losses held it. */
  step: number;
  /** What was non-finite, e.g. `loss NaN at step 12`. */
  what: string;
}

/** The scalars of one G step, not yet read. */
interface PendingStep {
  step: number;
  /** The n_critic D losses, then the n_critic D gradient norms. */
  d: tf.Scalar[];
  /** The G loss, then the G gradient norm. */
  g: tf.Scalar[];
}

/**
 * Queues per-step loss scalars and reads them back in batches.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { LossMeter } from "./loss_meter.ts";
 * const meter = new LossMeter();
 * meter.push(1, [tf.scalar(0.7)], [tf.scalar(0.2)], [tf.scalar(1.1), tf.scalar(0.4)]);
 * await meter.drain();
 * meter.intervalMeans().dLoss; // ≈ 0.7
 * ```
 */
export class LossMeter {
  #pending: PendingStep[] = [];
  #sums = { dLoss: 0, gLoss: 0, gradNormD: 0, gradNormG: 0, d: 0, g: 0 };
  #last: { dLoss?: number; gLoss?: number } = {};
  #divergence: Divergence | undefined;

  /**
   * Queues the scalars of one G step; the meter owns (and disposes) them.
   *
   * @param step The completed G step.
   * @param dLosses The D losses of its n_critic D steps.
   * @param dNorms The D gradient norms of its D steps.
   * @param g The G loss and G gradient norm.
   */
  push(
    step: number,
    dLosses: tf.Scalar[],
    dNorms: tf.Scalar[],
    g: [tf.Scalar, tf.Scalar],
  ): void {
    this.#pending.push({ step, d: [...dLosses, ...dNorms], g });
  }

  /** The number of G steps queued and not yet read. */
  get queued(): number {
    return this.#pending.length;
  }

  /** The first non-finite loss read so far, if any. */
  get divergence(): Divergence | undefined {
    return this.#divergence;
  }

  /** The D and G loss means of the interval as of the last read. */
  get lastMeans(): { dLoss?: number; gLoss?: number } {
    return this.#last;
  }

  /**
   * Reads the queued scalars (one device read), adds them to the interval
   * sums and records the first non-finite one.
   */
  async drain(): Promise<void> {
    const pending = this.#pending;
    if (pending.length === 0) return;
    const flat = pending.flatMap((p) => [...p.d, ...p.g]);
    const stacked = tf.stack(flat);
    const values = await stacked.data();
    stacked.dispose();
    tf.dispose(flat);
    let offset = 0;
    for (const entry of pending) {
      const dCount = entry.d.length;
      const gCount = entry.g.length;
      const dValues = values.subarray(offset, offset + dCount);
      const gValues = values.subarray(
        offset + dCount,
        offset + dCount + gCount,
      );
      offset += dCount + gCount;
      this.#divergence ??= findDivergence(entry.step, dValues, gValues);
      this.#add(dValues, gValues);
    }
    const sums = this.#sums;
    this.#last = { dLoss: sums.dLoss / sums.d, gLoss: sums.gLoss / sums.g };
    pending.length = 0;
  }

  /** Adds one step's values; layout: D losses, D grad norms, G loss, G grad norm. */
  #add(dValues: ArrayLike<number>, gValues: ArrayLike<number>): void {
    const sums = this.#sums;
    const half = dValues.length / 2;
    for (let i = 0; i < half; i++) {
      sums.dLoss += dValues[i];
      sums.gradNormD += dValues[half + i];
      sums.d++;
    }
    sums.gLoss += gValues[0];
    sums.gradNormG += gValues[1];
    sums.g++;
  }

  /**
   * The means of the steps read since the last {@linkcode resetInterval}.
   *
   * @returns The interval's loss and gradient-norm means.
   */
  intervalMeans(): IntervalMeans {
    const sums = this.#sums;
    return {
      dLoss: sums.dLoss / sums.d,
      gLoss: sums.gLoss / sums.g,
      gradNormD: sums.gradNormD / sums.d,
      gradNormG: sums.gradNormG / sums.g,
    };
  }

  /** Starts a new evaluation interval. */
  resetInterval(): void {
    this.#sums = { dLoss: 0, gLoss: 0, gradNormD: 0, gradNormG: 0, d: 0, g: 0 };
  }
}

/** The divergence in one step's values, if any is non-finite. */
function findDivergence(
  step: number,
  dValues: ArrayLike<number>,
  gValues: ArrayLike<number>,
): Divergence | undefined {
  const bad = Array.from(dValues).find((v) => !Number.isFinite(v)) ??
    Array.from(gValues).find((v) => !Number.isFinite(v));
  return bad === undefined
    ? undefined
    : { step, what: `loss ${bad} at step ${step}` };
}
