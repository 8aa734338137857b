/**
 * Tests of src/report/stats.ts against scipy reference values
 * (tests/fixtures/report/stats_reference.json, made by
 * make_stats_reference.py beside it) and closed forms.
 */
import { assert, assertClose } from "../_assert.ts";
import {
  bootstrapMeanDiff,
  logGamma,
  mean,
  quantileSorted,
  regularizedIncompleteBeta,
  std,
  studentTCdf,
  studentTQuantile,
  studentTSf,
  variance,
  welchTTest,
} from "../../src/report/stats.ts";

interface Reference {
  t_sf: { t: number; df: number; sf: number }[];
  t_ppf: { p: number; df: number; ppf: number }[];
  betainc: { x: number; a: number; b: number; value: number }[];
  welch: {
    a: number[];
    b: number[];
    t: number;
    p: number;
    df?: number;
    ci?: [number, number];
  }[];
}

const reference: Reference = JSON.parse(
  await Deno.readTextFile(
    new URL("../fixtures/report/stats_reference.json", import.meta.url),
  ),
);

/** |actual − expected| within a relative tolerance, or tiny absolute. */
function close(actual: number, expected: number, rel: number, label: string) {
  const tol = Math.max(rel * Math.abs(expected), 1e-300);
  assertClose(actual, expected, tol, label);
}

Deno.test("mean, variance, std: known values", () => {
  assert.equal(mean([1, 2, 3]), 2);
  assert.ok(Number.isNaN(mean([])));
  assertClose(variance([1, 2, 3, 4]), 5 / 3, 1e-15);
  assertClose(std([2, 4, 4, 4, 5, 5, 7, 9]), Math.sqrt(32 / 7), 1e-15);
  assert.ok(Number.isNaN(std([3])), "std of one value is undefined");
});

Deno.test("logGamma: factorials and Γ(½) = √π", () => {
  let f = 1;
  for (let n = 1; n <= 20; n++) {
    close(logGamma(n + 1), Math.log(f *= n), 1e-13, `ln ${n}!`);
  }
  close(logGamma(0.5), 0.5 * Math.log(Math.PI), 1e-13, "ln Γ(½)");
  close(logGamma(0.1), Math.log(9.513507698668732), 1e-13, "ln Γ(0.1)");
});

Deno.test("regularizedIncompleteBeta matches scipy.special.betainc", () => {
  for (const r of reference.betainc) {
    const got = regularizedIncompleteBeta(r.x, r.a, r.b);
    assertClose(got, r.value, 1e-12 + 1e-10 * r.value, JSON.stringify(r));
  }
  assert.equal(regularizedIncompleteBeta(0, 2, 3), 0);
  assert.equal(regularizedIncompleteBeta(1, 2, 3), 1);
  assert.throws(() => regularizedIncompleteBeta(1.5, 2, 3), /0 <= x <= 1/);
});

Deno.test("studentTSf matches scipy.stats.t.sf (integer and fractional df)", () => {
  assert.ok(reference.t_sf.length >= 80);
  for (const r of reference.t_sf) {
    const got = studentTSf(r.t, r.df);
    // relative accuracy in the far tail, absolute near the middle
    assertClose(got, r.sf, 1e-12 + 1e-9 * r.sf, `t=${r.t} df=${r.df}`);
    assertClose(studentTCdf(r.t, r.df), 1 - r.sf, 1e-12, "cdf = 1 − sf");
  }
  // df = 1 is the Cauchy distribution: P(T > 1) = ¼.
  assertClose(studentTSf(1, 1), 0.25, 1e-15);
});

Deno.test("studentTQuantile matches scipy.stats.t.ppf and inverts the CDF", () => {
  for (const r of reference.t_ppf) {
    const got = studentTQuantile(r.p, r.df);
    close(got, r.ppf, 1e-9, `p=${r.p} df=${r.df}`);
    close(studentTQuantile(1 - r.p, r.df), -r.ppf, 1e-9, "symmetry");
  }
});

Deno.test("welchTTest matches scipy.stats.ttest_ind(equal_var=False)", () => {
  for (const r of reference.welch) {
    const got = welchTTest(r.a, r.b);
    close(got.t, r.t, 1e-10, `t of ${JSON.stringify(r.b)}`);
    close(got.p, r.p, 1e-8, `p of ${JSON.stringify(r.b)}`);
    if (r.df !== undefined) close(got.df, r.df, 1e-10, "df");
    if (r.ci) {
      close(got.ci[0], r.ci[0], 1e-8, "ci low");
      close(got.ci[1], r.ci[1], 1e-8, "ci high");
    }
  }
  // identical samples: no difference; constant samples: an exact difference
  assert.equal(welchTTest([1, 2, 3], [1, 2, 3]).p, 1);
  assert.equal(welchTTest([2, 2], [3, 3]).p, 0);
  assert.equal(welchTTest([2, 2], [2, 2]).p, 1);
  assert.throws(() => welchTTest([1], [1, 2]), /at least 2 values/);
});

Deno.test("bootstrapMeanDiff: seeded, separates clear differences, not noise", () => {
  const a = [10.0, 10.4];
  const b = [12.0, 12.2];
  const r1 = bootstrapMeanDiff(a, b, { seed: 3 });
  const r2 = bootstrapMeanDiff(a, b, { seed: 3 });
  assert.deepEqual(r1, r2, "same seed, same interval");
  assertClose(r1.diff, 1.9, 1e-12);
  // With n = 2 per side the 95% interval spans the extreme resamples:
  // [min(b) − max(a), max(b) − min(a)] = [1.6, 2.2].
  assertClose(r1.ci[0], 1.6, 1e-12);
  assertClose(r1.ci[1], 2.2, 1e-12);
  const noise = bootstrapMeanDiff([10, 11], [10.2, 10.9], { seed: 3 });
  assert.ok(noise.ci[0] < 0 && noise.ci[1] > 0, "overlapping: CI holds 0");
  // Large samples: the interval approaches the normal one.
  const big = Array.from({ length: 400 }, (_, i) => (i % 20) / 19);
  const shifted = big.map((x) => x + 0.1);
  const r = bootstrapMeanDiff(big, shifted, { seed: 1, resamples: 4000 });
  const se = Math.sqrt(2 * variance(big) / big.length);
  assertClose(r.ci[1] - r.ci[0], 2 * 1.96 * se, 0.15 * 2 * 1.96 * se);
});

Deno.test("quantileSorted interpolates like numpy.quantile", () => {
  assert.equal(quantileSorted([1, 2, 3, 4], 0.5), 2.5);
  assertClose(quantileSorted([1, 2, 3, 4], 0.025), 1.075, 1e-15);
  assert.equal(quantileSorted([7], 0.3), 7);
});
