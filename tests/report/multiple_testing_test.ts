/**
 * Tests of src/report/multiple_testing.ts: Holm–Bonferroni and
 * Benjamini–Hochberg against known values and against R's `p.adjust`
 * definitions (computed with numpy from R's formulas:
 * holm = pmin(1, cummax((n − i + 1) p[o]))[ro],
 * BH = pmin(1, cummin(n / i p[o]))[ro] with o decreasing), and their
 * invariants: never below the raw p, at most 1, monotone in the raw p.
 */
import { assert, assertClose } from "../_assert.ts";
import {
  adjustPValues,
  bhAdjust,
  holmAdjust,
} from "../../src/report/multiple_testing.ts";

/** Asserts two arrays equal to 1e-12. */
function assertAllClose(actual: number[], expected: number[]): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((x, i) => assertClose(x, expected[i], 1e-12, `[${i}]`));
}

Deno.test("holmAdjust and bhAdjust: the textbook example", () => {
  const p = [0.01, 0.04, 0.03, 0.005];
  assertAllClose(holmAdjust(p), [0.03, 0.06, 0.06, 0.02]);
  assertAllClose(bhAdjust(p), [0.02, 0.04, 0.04, 0.02]);
  assert.deepEqual(adjustPValues(p, "none"), p);
  assertAllClose(adjustPValues(p, "holm"), holmAdjust(p));
  assertAllClose(adjustPValues(p, "bh"), bhAdjust(p));
});

Deno.test("holmAdjust and bhAdjust: R's p.adjust on 14 values with ties", () => {
  const p = [
    0.125,
    0.1794,
    0.1551,
    0.045,
    0.06,
    0.1747,
    0.0011,
    0.1642,
    0.1594,
    0.0936,
    0.03,
    0.03,
    0.9,
    1.0,
  ];
  assertAllClose(holmAdjust(p), [
    1,
    1,
    1,
    0.495,
    0.6,
    1,
    0.0154,
    1,
    1,
    0.8424,
    0.39,
    0.39,
    1,
    1,
  ]);
  assertAllClose(bhAdjust(p), [
    0.2093,
    0.2093,
    0.2093,
    0.1575,
    0.168,
    0.2093,
    0.0154,
    0.2093,
    0.2093,
    0.2093,
    0.14,
    0.14,
    0.9692307692307692,
    1,
  ]);
});

Deno.test("holmAdjust and bhAdjust: invariants on random p-values", () => {
  let state = 12345;
  const rand = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let trial = 0; trial < 50; trial++) {
    const m = 1 + (trial % 30);
    // Many small values, so that capping and ties both occur.
    const p = Array.from({ length: m }, () => rand() ** 3);
    if (trial % 5 === 0) p.push(p[0], 1, 0);
    for (const adjust of [holmAdjust, bhAdjust]) {
      const q = adjust(p);
      assert.equal(q.length, p.length);
      for (let i = 0; i < p.length; i++) {
        assert.ok(q[i] >= p[i] && q[i] <= 1, `${adjust.name}: ${q[i]}`);
        for (let j = 0; j < p.length; j++) {
          if (p[i] <= p[j]) assert.ok(q[i] <= q[j], `${adjust.name} monotone`);
        }
      }
    }
    // Holm controls more strictly than BH: its adjusted p is never smaller.
    const h = holmAdjust(p);
    bhAdjust(p).forEach((b, i) => assert.ok(b <= h[i] + 1e-15));
  }
});

Deno.test("holmAdjust and bhAdjust: edge cases and bad input", () => {
  assert.deepEqual(holmAdjust([]), []);
  assert.deepEqual(bhAdjust([]), []);
  assert.deepEqual(holmAdjust([0.03]), [0.03], "one test: unchanged");
  assert.deepEqual(bhAdjust([0.03]), [0.03]);
  assert.deepEqual(holmAdjust([0.5, 0.5, 0.5]), [1, 1, 1], "capped at 1");
  assert.deepEqual(bhAdjust([0.5, 0.5, 0.5]), [0.5, 0.5, 0.5]);
  assert.deepEqual(holmAdjust(Array(20).fill(0.02)), Array(20).fill(0.4));
  assert.deepEqual(bhAdjust(Array(20).fill(0.02)), Array(20).fill(0.02));
  assert.throws(
    () => holmAdjust([0.1, NaN]),
    /holmAdjust: p\[1\] = NaN is not a p-value in \[0, 1\]$/,
  );
  assert.throws(
    () => bhAdjust([1.5]),
    /bhAdjust: p\[0\] = 1\.5 is not a p-value/,
  );
  assert.throws(() => adjustPValues([-0.1], "none"), /p\[0\] = -0\.1/);
});
