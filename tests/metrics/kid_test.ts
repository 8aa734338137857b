/**
 * KID on the backend (block kernels × subset indicators) against a direct
 * float64 implementation of the same estimator, the precomputed real-side
 * terms, and the standard error.
 */
import * as tf from "@tensorflow/tfjs-core";
import { assert, assertClose, assertRelClose } from "../_assert.ts";
import { kid, kidReference, kidSubsets } from "../../src/metrics/mod.ts";
import { noLeak, setupBackend } from "./_setup.ts";

/** Per-subset unbiased MMD² in float64, one kernel entry at a time. */
function kidFloat64(
  a: Float32Array,
  b: Float32Array,
  nA: number,
  nB: number,
  d: number,
  subsets: number,
  m: number,
  seed: number,
): Float64Array {
  const k = (u: Float32Array, i: number, v: Float32Array, j: number) => {
    let dot = 0;
    for (let q = 0; q < d; q++) dot += u[i * d + q] * v[j * d + q];
    return (dot / d + 1) ** 3;
  };
  const out = new Float64Array(subsets);
  kidSubsets(nA, nB, subsets, m, seed).forEach(({ a: ia, b: ib }, s) => {
    let xx = 0, yy = 0, xy = 0;
    for (let p = 0; p < m; p++) {
      for (let q = 0; q < m; q++) {
        if (p !== q) {
          xx += k(a, ia[p], a, ia[q]);
          yy += k(b, ib[p], b, ib[q]);
        }
        xy += k(a, ia[p], b, ib[q]);
      }
    }
    out[s] = xx / (m * (m - 1)) + yy / (m * (m - 1)) - (2 * xy) / (m * m);
  });
  return out;
}

Deno.test("kid matches a float64 direct MMD² over several kernel blocks", async () => {
  await setupBackend();
  // 1100 × 1000 rows: the kernel is computed in blocks of ⌊2²⁰/1100⌋ = 953
  // rows, so the block boundary is crossed.
  const [nA, nB, d, subsets, m, seed] = [1100, 1000, 8, 3, 500, 5];
  const a = tf.relu(
    tf.randomNormal([nA, d], 0.2, 1, "float32", 3),
  ) as tf.Tensor2D;
  const b = tf.relu(
    tf.randomNormal([nB, d], 0.4, 1, "float32", 4),
  ) as tf.Tensor2D;
  const exact = kidFloat64(
    await a.data() as Float32Array,
    await b.data() as Float32Array,
    nA,
    nB,
    d,
    subsets,
    m,
    seed,
  );
  const out = await noLeak(() => kid(a, b, { subsets, subsetSize: m, seed }));
  const mean = exact.reduce((x, y) => x + y) / subsets;
  const std = Math.sqrt(
    exact.reduce((x, y) => x + (y - mean) ** 2, 0) / subsets,
  );
  // The kernel sums are float32 (relative rounding ~1e-7 per entry, row
  // sums of 500 entries); the MMD² is a difference of terms ~10× its size,
  // so 1e-4 of the mean leaves a 100× margin over what float32 can cost.
  const scale = Math.abs(mean);
  assert.ok(scale > 0.01, `test data must separate the sets: ${mean}`);
  assertClose(out.mean, mean, 1e-4 * scale, "KID mean");
  assertClose(out.std, std, 1e-4 * scale, "KID std");
  assertClose(out.se, out.std / Math.sqrt(subsets), 1e-15, "KID se");
  tf.dispose([a, b]);
});

Deno.test("kid with a precomputed reference gives the same values", async () => {
  await setupBackend();
  const a = tf.randomNormal([90, 6], 0, 1, "float32", 1) as tf.Tensor2D;
  const b = tf.randomNormal([120, 6], 0.3, 1, "float32", 2) as tf.Tensor2D;
  const options = { subsets: 7, subsetSize: 50, seed: 3 };
  const reference = await noLeak(() => kidReference(b, 90, options));
  assert.equal(reference.yy.length, 7);
  const plain = await kid(a, b, options);
  const fast = await noLeak(() => kid(a, b, { ...options, reference }));
  // The same K_YY terms either way: the values agree to the last bit.
  assert.deepEqual(fast, plain);
  assertRelClose(plain.se, plain.std / Math.sqrt(7), 1e-12);
  // A reference drawn for another first-set size is refused.
  const other = await kidReference(b, 100, options);
  await assert.rejects(
    () => kid(a, b, { ...options, reference: other }),
    /kid: reference made for nA 100, nB 120, 7 subsets of 50, seed 3; this call has nA 90/,
  );
  tf.dispose([a, b]);
});
