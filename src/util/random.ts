/**
 * Seeded pseudo-random numbers for everything in ganbench that must repeat
 * exactly under the same seed: data shuffling, metric subsets, KID subsets.
 *
 * @module
 */

/** A function returning uniform floats in [0, 1). */
export type Rng = () => number;

/**
 * Mulberry32: a small, fast 32-bit generator with good statistical quality
 * for shuffling and subsampling (not for cryptography).
 *
 * @param seed Any integer; the same seed always gives the same sequence.
 * @returns A function returning uniform floats in [0, 1).
 * @example
 * ```ts
 * import { mulberry32 } from "./random.ts";
 * const rng = mulberry32(42);
 * const x = rng(); // 0 <= x < 1, the same for every run with seed 42
 * ```
 */
export function mulberry32(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A seeded permutation of 0 … n−1 (Fisher–Yates).
 *
 * @param n The length of the permutation.
 * @param seed The seed of the generator.
 * @returns The permuted indices.
 * @example
 * ```ts
 * import { permutation } from "./random.ts";
 * permutation(5, 1); // e.g. Int32Array [3, 0, 4, 1, 2], always the same for seed 1
 * ```
 */
export function permutation(n: number, seed: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  shuffleInPlace(out, mulberry32(seed));
  return out;
}

/**
 * Shuffles an array in place with the given generator (Fisher–Yates).
 *
 * @param values The array to shuffle.
 * @param rng The generator to draw from.
 */
export function shuffleInPlace(
  values: { length: number; [i: number]: number },
  rng: Rng,
): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const tmp = values[i];
    values[i] = values[j];
    values[j] = tmp;
  }
}
