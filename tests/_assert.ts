/**
 * Assertions for ganbench's tests. JSR (`@std/assert`) is out of reach on our
 * machines, so this module re-exports `node:assert/strict` and adds the few
 * numeric helpers the tests need. Swap it for `@std/assert` in one place later.
 *
 * @module
 */
import assert from "node:assert/strict";

export { assert };
// Explicit types: TypeScript requires them on assertion functions (TS2775).
/** Strict equality (`node:assert/strict` `equal`). */
export const equal: typeof assert.equal = assert.equal;
/** Deep strict equality. */
export const deepEqual: typeof assert.deepEqual = assert.deepEqual;
/** Strict inequality. */
export const notEqual: typeof assert.notEqual = assert.notEqual;
/** Truthiness. */
export const ok: typeof assert.ok = assert.ok;
/** The function throws (optionally matching). */
export const throws: typeof assert.throws = assert.throws;
/** The promise rejects (optionally matching). */
export const rejects: typeof assert.rejects = assert.rejects;
/** The string matches a regular expression. */
export const match: typeof assert.match = assert.match;

/**
 * Asserts that `actual` is within `tolerance` of `expected` (absolute).
 *
 * @param actual The measured value.
 * @param expected The reference value.
 * @param tolerance The largest accepted absolute difference.
 * @param message Text added to the failure message.
 */
export function assertClose(
  actual: number,
  expected: number,
  tolerance: number,
  message = "",
): void {
  const diff = Math.abs(actual - expected);
  if (!(diff <= tolerance)) {
    throw new assert.AssertionError({
      message:
        `${message} expected ${expected} ± ${tolerance}, got ${actual} (diff ${diff})`,
      actual,
      expected,
    });
  }
}

/**
 * Asserts that `actual` is within a relative `tolerance` of `expected`.
 *
 * @param actual The measured value.
 * @param expected The reference value (non-zero).
 * @param tolerance The largest accepted |actual − expected| / |expected|.
 * @param message Text added to the failure message.
 */
export function assertRelClose(
  actual: number,
  expected: number,
  tolerance: number,
  message = "",
): void {
  const rel = Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-30);
  if (!(rel <= tolerance)) {
    throw new assert.AssertionError({
      message:
        `${message} expected ${expected} (rel tol ${tolerance}), got ${actual} (rel diff ${rel})`,
      actual,
      expected,
    });
  }
}
