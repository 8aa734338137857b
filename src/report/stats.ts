/**
 * The statistics behind `ganbench compare`: sample mean and standard
 * deviation, the Student t distribution (through the regularized incomplete
 * beta function, no dependency), Welch's unequal-variance t-test, and a
 * seeded percentile-bootstrap interval of a difference of means (for
 * scripts; the gate decides by Welch p-values, see `significance.ts`).
 *
 * @example
 * ```ts
 * import { welchTTest } from "./stats.ts";
 * import assert from "node:assert/strict";
 * const r = welchTTest([10.1, 9.8, 10.3], [12.0, 12.4, 11.9]);
 * assert.ok(r.p < 0.05); // the means differ
 * ```
 *
 * @module
 */
import { mulberry32 } from "../util/random.ts";

/**
 * The arithmetic mean.
 *
 * @param values The sample (non-empty for a finite result).
 * @returns The mean, NaN for an empty sample.
 * @example
 * ```ts
 * import { mean } from "./stats.ts";
 * import assert from "node:assert/strict";
 * assert.equal(mean([1, 2, 3]), 2);
 * assert.ok(Number.isNaN(mean([])));
 * ```
 */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/**
 * The sample variance with Bessel's correction (N − 1).
 *
 * @param values The sample.
 * @returns The variance; NaN with fewer than two values.
 * @example
 * ```ts
 * import { variance } from "./stats.ts";
 * import assert from "node:assert/strict";
 * assert.equal(variance([1, 2, 3, 4]), 1.6666666666666667);
 * ```
 */
export function variance(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return NaN;
  const m = mean(values);
  let s = 0;
  for (const v of values) s += (v - m) * (v - m);
  return s / (n - 1);
}

/**
 * The sample standard deviation (N − 1).
 *
 * @param values The sample.
 * @returns √variance; NaN with fewer than two values.
 * @example
 * ```ts
 * import { std } from "./stats.ts";
 * import assert from "node:assert/strict";
 * assert.equal(std([2, 4, 4, 4, 5, 5, 7, 9]), 2.138089935299395);
 * ```
 */
export function std(values: readonly number[]): number {
  return Math.sqrt(variance(values));
}

// Lanczos approximation (g = 7, n = 9), accurate to ~1e-15 for x > 0.
const LANCZOS = [
  0.99999999999980993,
  676.5203681218851,
  -1259.1392167224028,
  771.32342877765313,
  -176.61502916214059,
  12.507343278686905,
  -0.13857109526572012,
  9.9843695780195716e-6,
  1.5056327351493116e-7,
];

/**
 * The natural logarithm of the gamma function, ln Γ(x), for x > 0.
 *
 * @param x The argument (> 0).
 * @returns ln Γ(x).
 * @example
 * ```ts
 * import { logGamma } from "./stats.ts";
 * import assert from "node:assert/strict";
 * assert.ok(Math.abs(Math.exp(logGamma(5)) - 24) < 1e-12); // Γ(5) = 4!
 * ```
 */
export function logGamma(x: number): number {
  if (x < 0.5) {
    // Reflection: Γ(x) Γ(1 − x) = π / sin(πx).
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) -
      logGamma(1 - x);
  }
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t +
    Math.log(a);
}

/** Continued fraction of I_x(a, b) (modified Lentz; Numerical Recipes betacf). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const TINY = 1e-300;
  const EPS = 1e-15;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) return h;
  }
  return h; // not converged in 10,000 terms: best estimate
}

/**
 * The regularized incomplete beta function I_x(a, b) = B(x; a, b) / B(a, b).
 *
 * @param x The upper limit, in [0, 1].
 * @param a First shape parameter (> 0).
 * @param b Second shape parameter (> 0).
 * @returns I_x(a, b) in [0, 1].
 * @throws Error When an argument is out of range.
 * @example
 * ```ts
 * import { regularizedIncompleteBeta } from "./stats.ts";
 * import assert from "node:assert/strict";
 * assert.ok(Math.abs(regularizedIncompleteBeta(0.5, 2, 2) - 0.5) < 1e-12);
 * ```
 */
export function regularizedIncompleteBeta(
  x: number,
  a: number,
  b: number,
): number {
  if (!(a > 0) || !(b > 0) || !(x >= 0 && x <= 1)) {
    throw new Error(
      `regularizedIncompleteBeta: need 0 <= x <= 1, a > 0, b > 0 (got x=${x}, a=${a}, b=${b})`,
    );
  }
  if (x === 0) return 0;
  if (x === 1) return 1;
  const logFront = logGamma(a + b) - logGamma(a) - logGamma(b) +
    a * Math.log(x) + b * Math.log1p(-x);
  const front = Math.exp(logFront);
  // The continued fraction converges fast for x < (a + 1) / (a + b + 2).
  if (x < (a + 1) / (a + b + 2)) {
    return (front * betaContinuedFraction(x, a, b)) / a;
  }
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

/**
 * The survival function of Student's t distribution, P(T > t), for any
 * real degrees of freedom ν > 0 (Welch's ν is not an integer).
 *
 * @param t The statistic.
 * @param df Degrees of freedom ν (> 0; Infinity gives the normal).
 * @returns P(T > t).
 * @example
 * ```ts
 * import { studentTSf } from "./stats.ts";
 * import assert from "node:assert/strict";
 * assert.ok(Math.abs(studentTSf(2.228138851986, 10) - 0.025) < 1e-9);
 * ```
 */
export function studentTSf(t: number, df: number): number {
  if (!(df > 0)) throw new Error(`studentTSf: df must be > 0 (got ${df})`);
  if (Number.isNaN(t)) return NaN;
  if (t === Infinity) return 0;
  if (t === -Infinity) return 1;
  if (df === Infinity) return 0.5 * erfc(t / Math.SQRT2);
  // P(|T| > |t|) = I_{ν/(ν+t²)}(ν/2, ½).
  const x = df / (df + t * t);
  const tail = 0.5 * regularizedIncompleteBeta(x, df / 2, 0.5);
  return t >= 0 ? tail : 1 - tail;
}

/**
 * The cumulative distribution function of Student's t, P(T ≤ t).
 *
 * @param t The statistic.
 * @param df Degrees of freedom (> 0).
 * @returns P(T ≤ t).
 * @example
 * ```ts
 * import { studentTCdf } from "./stats.ts";
 * import assert from "node:assert/strict";
 * assert.equal(studentTCdf(0, 3), 0.5);
 * ```
 */
export function studentTCdf(t: number, df: number): number {
  return 1 - studentTSf(t, df);
}

/**
 * The quantile (inverse CDF) of Student's t: the t with P(T ≤ t) = p.
 *
 * @param p Probability in (0, 1).
 * @param df Degrees of freedom (> 0).
 * @returns The quantile (bisection on {@linkcode studentTCdf}, to ~1e-12).
 * @example
 * ```ts
 * import { studentTQuantile } from "./stats.ts";
 * import assert from "node:assert/strict";
 * assert.ok(Math.abs(studentTQuantile(0.975, 10) - 2.228138852) < 1e-8);
 * ```
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) {
    throw new Error(`studentTQuantile: p must be in (0, 1) (got ${p})`);
  }
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < p) {
    hi *= 2;
    if (hi > 1e12) return Infinity;
  }
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, hi); i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Complementary error function (Numerical Recipes erfcc, |error| < 1.2e-7). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(
    -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
                  t *
                    (-0.18628806 +
                      t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
                                  t * (-0.82215223 + t * 0.17087277)))))))),
  );
  return x >= 0 ? r : 2 - r;
}

/** The outcome of {@linkcode welchTTest}. */
export interface WelchResult {
  /** mean(b) − mean(a). */
  diff: number;
  /** The t statistic of the difference (b − a). */
  t: number;
  /** Welch–Satterthwaite degrees of freedom. */
  df: number;
  /** Two-sided p-value. */
  p: number;
  /** Confidence interval of mean(b) − mean(a) at level 1 − alpha. */
  ci: [number, number];
}

/**
 * Welch's two-sample t-test (unequal variances) of mean(b) − mean(a).
 * When both samples have zero variance the difference is exact: p = 1 when
 * the means are equal, else 0.
 *
 * @param a First sample (n ≥ 2).
 * @param b Second sample (n ≥ 2).
 * @param alpha Level of the confidence interval (default 0.05: a 95% interval).
 * @returns t, degrees of freedom, two-sided p and the interval.
 * @throws Error When a sample has fewer than two values.
 * @example
 * ```ts
 * import { welchTTest } from "./stats.ts";
 * import assert from "node:assert/strict";
 * assert.equal(welchTTest([1, 2, 3], [1, 2, 3]).p, 1);
 * ```
 */
export function welchTTest(
  a: readonly number[],
  b: readonly number[],
  alpha = 0.05,
): WelchResult {
  if (a.length < 2 || b.length < 2) {
    throw new Error(
      `welchTTest: need at least 2 values per sample (got ${a.length} and ${b.length})`,
    );
  }
  const diff = mean(b) - mean(a);
  const va = variance(a) / a.length;
  const vb = variance(b) / b.length;
  const se2 = va + vb;
  if (se2 === 0) {
    return {
      diff,
      t: diff === 0 ? 0 : Math.sign(diff) * Infinity,
      df: a.length + b.length - 2,
      p: diff === 0 ? 1 : 0,
      ci: [diff, diff],
    };
  }
  const se = Math.sqrt(se2);
  const t = diff / se;
  const df = (se2 * se2) /
    ((va * va) / (a.length - 1) + (vb * vb) / (b.length - 1));
  const p = Math.min(1, 2 * studentTSf(Math.abs(t), df));
  const q = studentTQuantile(1 - alpha / 2, df);
  return { diff, t, df, p, ci: [diff - q * se, diff + q * se] };
}

/** Options of {@linkcode bootstrapMeanDiff}. */
export interface BootstrapOptions {
  /** Resamples (default 10,000). */
  resamples?: number;
  /** Seed of the resampling (default 0): the same inputs give the same interval. */
  seed?: number;
  /** The interval has level 1 − alpha (default 0.05). */
  alpha?: number;
}

/** The outcome of {@linkcode bootstrapMeanDiff}. */
export interface BootstrapResult {
  /** mean(b) − mean(a). */
  diff: number;
  /** Percentile interval of mean(b*) − mean(a*) at level 1 − alpha. */
  ci: [number, number];
  /** Resamples drawn. */
  resamples: number;
}

/**
 * Percentile bootstrap of mean(b) − mean(a): each sample is resampled with
 * replacement, independently, `resamples` times (seeded, so deterministic).
 * The difference is called significant when the interval excludes 0.
 *
 * @param a First sample (n ≥ 1).
 * @param b Second sample (n ≥ 1).
 * @param options Resamples, seed and level.
 * @returns The difference and its interval.
 * @example
 * ```ts
 * import { bootstrapMeanDiff } from "./stats.ts";
 * import assert from "node:assert/strict";
 * const { ci } = bootstrapMeanDiff([1, 1.2], [3, 3.1]);
 * assert.ok(ci[0] > 0); // the interval excludes 0
 * ```
 */
export function bootstrapMeanDiff(
  a: readonly number[],
  b: readonly number[],
  options: BootstrapOptions = {},
): BootstrapResult {
  if (a.length === 0 || b.length === 0) {
    throw new Error("bootstrapMeanDiff: both samples must be non-empty");
  }
  const resamples = options.resamples ?? 10_000;
  const alpha = options.alpha ?? 0.05;
  const rng = mulberry32(options.seed ?? 0);
  const resampledMean = (x: readonly number[]) => {
    let s = 0;
    for (let i = 0; i < x.length; i++) s += x[Math.floor(rng() * x.length)];
    return s / x.length;
  };
  const diffs = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    diffs[r] = resampledMean(b) - resampledMean(a);
  }
  diffs.sort();
  return {
    diff: mean(b) - mean(a),
    ci: [
      quantileSorted(diffs, alpha / 2),
      quantileSorted(diffs, 1 - alpha / 2),
    ],
    resamples,
  };
}

/**
 * A quantile of sorted values with linear interpolation (NumPy's default,
 * "type 7").
 *
 * @param sorted Values in ascending order (non-empty).
 * @param q Quantile in [0, 1].
 * @returns The interpolated quantile.
 * @example
 * ```ts
 * import { quantileSorted } from "./stats.ts";
 * import assert from "node:assert/strict";
 * assert.equal(quantileSorted([1, 2, 3, 4], 0.5), 2.5);
 * ```
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}
