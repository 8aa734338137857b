/**
 * Helpers for the backend tests: seeded arrays and normwise relative error.
 *
 * @module
 */
import { mulberry32 } from "../../src/util/random.ts";

/**
 * Seeded standard-normal-ish values (sum of uniforms), reproducible on every backend.
 *
 * @param n How many values.
 * @param seed The seed.
 * @returns A Float32Array of length n.
 */
export function randomArray(n: number, seed: number): Float32Array {
  const rnd = mulberry32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rnd() + rnd() + rnd() - 1.5;
  return out;
}

/**
 * max |a − b| / max |b|: the error relative to the reference's scale.
 *
 * @param a The measured values.
 * @param b The reference values.
 * @returns The normwise relative error (Infinity on a length mismatch).
 */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let diff = 0, scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / Math.max(scale, 1e-30);
}
