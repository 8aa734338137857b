/**
 * The significance tests `compare` applies to the change of a metric across
 * seeds: Welch's unequal-variance t-test when both sides have n ≥ 2, no
 * test when either side has n = 1.
 *
 * {@linkcode testDifference} gives the two-sided p-value (which describes
 * every metric as better, worse or unchanged); {@linkcode gateP} gives the
 * p-value the gate uses for a thresholded metric: one-sided in the
 * threshold's worse direction, since the gate only ever fails on a
 * worsening (two-sided for a `±` threshold).
 *
 * @example
 * ```ts
 * import { gateP, testDifference } from "./significance.ts";
 * import assert from "node:assert/strict";
 * const r = testDifference([100, 101, 99], [112, 113, 111], 0.05);
 * assert.equal(r.kind, "welch");
 * assert.equal(r.significant, true);
 * assert.ok(Math.abs(gateP(r, "+") - r.p! / 2) < 1e-15); // one-sided: half
 * ```
 *
 * @module
 */
import { studentTSf, welchTTest } from "./stats.ts";

/** How a change is tested. */
export type TestKind = "welch" | "none";

/** The significance test of one metric. */
export interface TestResult {
  /** Welch's t-test (n ≥ 2 both sides) or none (n = 1 on a side). */
  kind: TestKind;
  /** Two-sided p-value (Welch). */
  p?: number;
  /** t statistic of candidate − baseline (Welch). */
  t?: number;
  /** Welch–Satterthwaite degrees of freedom. */
  df?: number;
  /** 1 − alpha interval of the difference of means (Welch). */
  ci?: [number, number];
  /** Whether the two-sided p is below alpha (uncorrected); null when no test. */
  significant: boolean | null;
}

/**
 * Tests the difference of two samples: Welch's two-sided t-test when both
 * have n ≥ 2, none otherwise.
 *
 * @param a Baseline values.
 * @param b Candidate values.
 * @param alpha Significance level (of `significant` and the interval).
 * @returns The test result.
 * @example
 * ```ts
 * import { testDifference } from "./significance.ts";
 * import assert from "node:assert/strict";
 * assert.equal(testDifference([1, 2, 3], [7, 8, 9], 0.05).kind, "welch");
 * assert.equal(testDifference([1, 2], [7, 8], 0.05).kind, "welch");
 * assert.deepEqual(testDifference([1], [7, 8], 0.05), { kind: "none", significant: null });
 * ```
 */
export function testDifference(
  a: readonly number[],
  b: readonly number[],
  alpha: number,
): TestResult {
  if (Math.min(a.length, b.length) < 2) {
    return { kind: "none", significant: null };
  }
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

/**
 * The p-value of a test in the direction of a threshold: P(T ≥ t) for `+`
 * (the metric may not rise), P(T ≤ t) for `-`, the two-sided p for `±`.
 * Under "the candidate is not worse" it is at most alpha with probability
 * at most alpha, and a breach is always in the worse direction, so the
 * one-sided test loses nothing the gate could use.
 *
 * @param test A Welch test (see {@linkcode testDifference}).
 * @param sign The threshold's sign.
 * @returns The p-value, in [0, 1].
 * @throws Error When the test is not a Welch test.
 * @example
 * ```ts
 * import { gateP, testDifference } from "./significance.ts";
 * import assert from "node:assert/strict";
 * const worse = testDifference([100, 101, 99], [104, 106, 105], 0.05);
 * assert.ok(gateP(worse, "+") < 0.01); // FID rose
 * assert.ok(gateP(worse, "-") > 0.99); // for a higher-is-better metric, no worsening
 * assert.equal(gateP(worse, "±"), worse.p);
 * ```
 */
export function gateP(test: TestResult, sign: "+" | "-" | "±"): number {
  if (test.kind !== "welch") {
    throw new Error(`gateP: needs a Welch test (got '${test.kind}')`);
  }
  if (sign === "±") return test.p!;
  const t = sign === "+" ? test.t! : -test.t!;
  // Both variances 0: t is ±Infinity (or 0), studentTSf handles both.
  return studentTSf(t, test.df!);
}
