/**
 * The significance test `compare` applies to the change of a metric across
 * seeds, chosen by sample size:
 *
 * - **Welch's t-test** (two-sided) when both sides have n ≥ 3;
 * - a **percentile-bootstrap** interval of the difference of means when the
 *   smaller side has n = 2 — significant when the interval excludes 0;
 * - **no test** when either side has n = 1.
 *
 * @example
 * ```ts
 * import { testDifference } from "./significance.ts";
 * import assert from "node:assert/strict";
 * const r = testDifference([100, 101, 99], [112, 113, 111], 0.05, 10_000, 0);
 * assert.equal(r.kind, "welch");
 * assert.equal(r.significant, true);
 * ```
 *
 * @module
 */
import { bootstrapMeanDiff, welchTTest } from "./stats.ts";

/** How a change is tested. */
export type TestKind = "welch" | "bootstrap" | "none";

/** The significance test of one metric. */
export interface TestResult {
  /** Welch's t-test (n ≥ 3 both sides), bootstrap (smaller n = 2) or none (n = 1). */
  kind: TestKind;
  /** Two-sided p-value (Welch). */
  p?: number;
  /** t statistic (Welch). */
  t?: number;
  /** Degrees of freedom (Welch). */
  df?: number;
  /** 1 − alpha interval of the difference of means (Welch or bootstrap). */
  ci?: [number, number];
  /** Whether the difference is significant at alpha; null when no test. */
  significant: boolean | null;
}

/**
 * Tests the difference of two samples with the rule of this module:
 * Welch when both n ≥ 3, bootstrap when the smaller n is 2, none for n = 1.
 *
 * @param a Baseline values.
 * @param b Candidate values.
 * @param alpha Significance level.
 * @param resamples Bootstrap resamples.
 * @param seed Bootstrap seed.
 * @returns The test result.
 * @example
 * ```ts
 * import { testDifference } from "./significance.ts";
 * import assert from "node:assert/strict";
 * assert.equal(testDifference([1, 2, 3], [7, 8, 9], 0.05, 10000, 0).kind, "welch");
 * assert.equal(testDifference([1, 2], [7, 8, 9], 0.05, 10000, 0).kind, "bootstrap");
 * assert.deepEqual(testDifference([1], [7, 8], 0.05, 10000, 0), { kind: "none", significant: null });
 * ```
 */
export function testDifference(
  a: readonly number[],
  b: readonly number[],
  alpha: number,
  resamples: number,
  seed: number,
): TestResult {
  const n = Math.min(a.length, b.length);
  if (n >= 3) {
    const w = welchTTest(a, b, alpha);
    return {
      kind: "welch",
      p: w.p,
      t: w.t,
      df: w.df,
      ci: w.ci,
      significant: w.p < alpha,
    };
  }
  if (n === 2) {
    const r = bootstrapMeanDiff(a, b, { alpha, resamples, seed });
    return {
      kind: "bootstrap",
      ci: r.ci,
      significant: r.ci[0] > 0 || r.ci[1] < 0,
    };
  }
  return { kind: "none", significant: null };
}
