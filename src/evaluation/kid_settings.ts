/**
 * The KID settings of an evaluation, in one place: the per-interval call
 * and the once-per-run real-side terms ({@linkcode kidReference}) must use
 * the same subsets.
 *
 * @module
 */
import type { KidOptions } from "../metrics/mod.ts";
import type { EvaluationSizes } from "../spec/types.ts";

/**
 * KID's subsets, subset size and seed for these evaluation sizes.
 *
 * @param sizes The evaluation sizes.
 * @returns `kidSubsets` subsets of min(kidSubsetSize, nEval, nReal), seed 0.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { kidSettings } from "./kid_settings.ts";
 * import type { EvaluationSizes } from "../spec/types.ts";
 * const sizes = { nEval: 500, kidSubsets: 100, kidSubsetSize: 1000 } as EvaluationSizes;
 * assert.deepEqual(kidSettings(sizes), { subsets: 100, subsetSize: 500, seed: 0 });
 * ```
 */
export function kidSettings(sizes: EvaluationSizes): Required<KidOptions> {
  return {
    subsets: sizes.kidSubsets,
    subsetSize: Math.min(
      sizes.kidSubsetSize,
      sizes.nEval,
      sizes.nReal ?? Infinity,
    ),
    seed: 0,
  };
}
