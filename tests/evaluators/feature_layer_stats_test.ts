/** Live units and covariance ranks of feature matrices with known answers. */
import { assert } from "../_assert.ts";
import { featureLayerStats } from "../../src/metrics/evaluators/feature_layer_stats.ts";
import { mulberry32 } from "../../src/util/random.ts";

function gaussian(n: number, d: number, seed: number): Float64Array {
  const rng = mulberry32(seed);
  return Float64Array.from(
    { length: n * d },
    () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng()),
  );
}

Deno.test("featureLayerStats: a unit that never exceeds 0 is dead, even when it varies", () => {
  // Units: live and varying; always 0; negative and varying; live once.
  const x = [1, 0, -1, 0, 2, 0, -3, 0, 3, 0, -2, 0.5];
  const s = featureLayerStats(x, 3);
  assert.equal(s.units, 4);
  assert.equal(s.liveUnits, 2);
  assert.equal(s.liveShare, 0.5);
  assert.equal(s.images, 3);
});

Deno.test("featureLayerStats: isotropic features have effective rank ≈ d", () => {
  const s = featureLayerStats(gaussian(20000, 8, 3), 20000);
  assert.equal(s.numericalRank, 8);
  assert.ok(Math.abs(s.effectiveRank - 8) < 0.05, `${s.effectiveRank}`);
});

Deno.test("featureLayerStats: features in a 2-d subspace of 5 have rank 2, effective rank 2 at equal variances", () => {
  const n = 4000;
  const g = gaussian(n, 2, 4);
  const x = new Float64Array(n * 5);
  for (let i = 0; i < n; i++) {
    const [a, b] = [g[2 * i], g[2 * i + 1]];
    // Two orthonormal directions: (1,1,0,0,0)/√2 and (0,0,1,1,1)/√3.
    x.set([
      a / Math.SQRT2,
      a / Math.SQRT2,
      b / Math.sqrt(3),
      b / Math.sqrt(3),
      b / Math.sqrt(3),
    ], i * 5);
  }
  const s = featureLayerStats(x, n);
  assert.equal(s.numericalRank, 2);
  assert.ok(Math.abs(s.effectiveRank - 2) < 0.05, `${s.effectiveRank}`);
});

Deno.test("featureLayerStats refuses fewer than two rows or a ragged matrix", () => {
  assert.throws(() => featureLayerStats([1, 2], 1), /n = 1 ≥ 2 rows/);
  assert.throws(
    () => featureLayerStats([1, 2, 3], 2),
    /3 values are not n = 2/,
  );
});
