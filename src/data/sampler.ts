/**
 * Seeded mini-batch sampling: a reshuffle per epoch and fixed subsets, both
 * exactly repeatable under the same seed.
 *
 * @module
 */
import { permutation } from "../util/random.ts";

/**
 * The seed of epoch `epoch` derived from a base seed (a 32-bit mix, so
 * neighbouring seeds and epochs give unrelated permutations).
 *
 * @param seed The base seed.
 * @param epoch The epoch number (0, 1, …).
 * @returns A 32-bit unsigned seed.
 * @example
 * ```ts
 * import { epochSeed } from "./sampler.ts";
 * epochSeed(1, 0) !== epochSeed(1, 1); // true
 * ```
 */
export function epochSeed(seed: number, epoch: number): number {
  let h = (seed >>> 0) ^ Math.imul((epoch + 1) >>> 0, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Yields the indices of mini-batches: each epoch is a fresh seeded
 * permutation of 0 … count−1 (epoch k uses `epochSeed(seed, k)`), cut into
 * batches of `batchSize`; an incomplete last batch is dropped.
 *
 * @example
 * ```ts
 * import { BatchSampler } from "./sampler.ts";
 * const sampler = new BatchSampler(60000, 64, 1);
 * const batch = sampler.next(); // Int32Array of 64 indices
 * ```
 */
export class BatchSampler {
  /** The number of items sampled from. */
  readonly count: number;
  /** Items per batch. */
  readonly batchSize: number;
  /** The base seed. */
  readonly seed: number;
  #epoch = -1;
  #order: Int32Array = new Int32Array(0);
  #pos = 0;
  #drawn = 0;

  /**
   * Creates a sampler; the first batch comes from epoch 0.
   *
   * @param count The number of items (indices 0 … count−1).
   * @param batchSize Items per batch (1 … count).
   * @param seed The base seed.
   */
  constructor(count: number, batchSize: number, seed: number) {
    if (!Number.isInteger(count) || count < 1) {
      throw new Error(
        `BatchSampler count ${count}: must be a positive integer`,
      );
    }
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > count) {
      throw new Error(
        `BatchSampler batch size ${batchSize}: must be an integer in 1…${count}`,
      );
    }
    this.count = count;
    this.batchSize = batchSize;
    this.seed = seed;
  }

  /** Full batches per epoch (the remainder is dropped). */
  get batchesPerEpoch(): number {
    return Math.floor(this.count / this.batchSize);
  }

  /** The epoch of the most recent batch (0-based; −1 before the first). */
  get epoch(): number {
    return this.#epoch;
  }

  /** Batches drawn so far (the global step of the next batch). */
  get position(): number {
    return this.#drawn;
  }

  /**
   * The indices of the next batch (a new array each call).
   *
   * @returns `batchSize` indices.
   */
  next(): Int32Array {
    if (this.#epoch < 0 || this.#pos + this.batchSize > this.count) {
      this.#epoch++;
      this.#order = permutation(this.count, epochSeed(this.seed, this.#epoch));
      this.#pos = 0;
    }
    const out = this.#order.slice(this.#pos, this.#pos + this.batchSize);
    this.#pos += this.batchSize;
    this.#drawn++;
    return out;
  }

  /**
   * Positions the sampler so that the next call of
   * {@linkcode BatchSampler.next} returns batch number `step` (0-based),
   * exactly as if `step` batches had been drawn — for resuming from a
   * checkpoint.
   *
   * @param step The number of batches already consumed.
   */
  seek(step: number): void {
    if (!Number.isInteger(step) || step < 0) {
      throw new Error(`BatchSampler seek ${step}: must be an integer ≥ 0`);
    }
    const perEpoch = this.batchesPerEpoch;
    const epoch = Math.floor(step / perEpoch);
    const within = step % perEpoch;
    if (within === 0) {
      // the next call starts epoch `epoch`
      this.#epoch = epoch - 1;
      this.#pos = this.count; // forces a reshuffle
    } else {
      this.#epoch = epoch;
      this.#order = permutation(this.count, epochSeed(this.seed, epoch));
      this.#pos = within * this.batchSize;
    }
    this.#drawn = step;
  }
}

/**
 * A fixed random subset: the first `n` entries of a seeded permutation of
 * 0 … count−1 (e.g. the real images a metric compares against).
 *
 * @param count The number of items.
 * @param n The subset size (0 … count).
 * @param seed The permutation seed.
 * @returns `n` distinct indices.
 * @example
 * ```ts
 * import { fixedSubset } from "./sampler.ts";
 * fixedSubset(10000, 1000, 7).length; // 1000, the same for every run
 * ```
 */
export function fixedSubset(
  count: number,
  n: number,
  seed: number,
): Int32Array {
  if (!Number.isInteger(n) || n < 0 || n > count) {
    throw new Error(
      `fixedSubset size ${n}: must be an integer in 0…${count} (the number of items)`,
    );
  }
  return permutation(count, seed).slice(0, n);
}
