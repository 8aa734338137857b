/**
 * FID at the Inception dimension (d = 2048) against scipy.linalg.sqrtm as
 * pytorch-fid computes it (fixture: tests/fixtures/metrics/
 * make_fid2048_fixture.py), and the kernels' invariants: the covariance
 * equals the naive float64 loop bit for bit for any thread count, the
 * blocked Cholesky path equals the eigendecomposition path, and N ≤ d is
 * refused or warned about.
 *
 * @module
 */
import { assert, assertRelClose } from "../_assert.ts";
import {
  type FeatureStats,
  featureStats,
  fidFromStats,
} from "../../src/metrics/fid.ts";

const FIXTURES = new URL("../fixtures/metrics/", import.meta.url);

/** lowbias32, as `hash32` in make_fid2048_fixture.py. */
function hash32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** `uniform(seed, n, d)` of the fixture script: 24-bit values in [-½, ½). */
function uniform(seed: number, n: number, d: number): Float64Array {
  const u = new Float64Array(n * d);
  const base = seed * 2 ** 24;
  for (let i = 0; i < n * d; i++) {
    u[i] = (hash32((base + i) >>> 0) >>> 8) / 2 ** 24 - 0.5;
  }
  return u;
}

/** `features(which)` of the fixture script, bit for bit. */
function features(which: "a" | "b", n: number, d: number): Float32Array {
  const u = uniform(which === "a" ? 1 : 2, n, d);
  const x = new Float32Array(n * d);
  for (let r = 0; r < n; r++) {
    const o = r * d;
    for (let j = 0; j < d; j++) {
      x[o + j] = which === "a"
        ? u[o + j] + 0.5 * u[o + (j + 1) % d] + 0.01 * (j % 10)
        : (1 + 0.1 * (j % 5)) * u[o + j] + 0.3 * u[o + (3 * j + 2) % d] + 0.02;
    }
  }
  return x;
}

Deno.test("fid at d = 2048 matches scipy.linalg.sqrtm (pytorch-fid) within 1e-6", async () => {
  const ref = JSON.parse(
    Deno.readTextFileSync(new URL("fid2048_reference.json", FIXTURES)),
  );
  const { d, n_a, n_b } = ref;
  const a = features("a", n_a, d);
  const b = features("b", n_b, d);
  // The generator agrees with Python's before the FIDs are compared.
  assert.deepEqual(Array.from(a.subarray(0, 4)), ref.a_first);
  assert.deepEqual(Array.from(b.subarray(b.length - 4)), ref.b_last);
  let sa = 0, sb = 0;
  for (const v of a) sa += v;
  for (const v of b) sb += v;
  assertRelClose(sa, ref.a_sum, 1e-12, "sum of a");
  assertRelClose(sb, ref.b_sum, 1e-12, "sum of b");
  const statsA = await featureStats({ values: a, n: n_a, d });
  const statsB = await featureStats({ values: b, n: n_b, d });
  const value = fidFromStats(statsA, statsB);
  assertRelClose(value, ref.a_b_sqrtm, 1e-6, "vs scipy sqrtm");
  assertRelClose(value, ref.a_b_eigh, 1e-9, "vs numpy eigh");
});

/** Centred naive covariance: Σ_r (x_ri − μ_i)(x_rj − μ_j) / (n − 1). */
function naiveCovariance(x: ArrayLike<number>, n: number, d: number) {
  const mu = new Float64Array(d);
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) mu[j] += x[r * d + j];
  for (let j = 0; j < d; j++) mu[j] /= n;
  const sigma = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      let s = 0;
      for (let r = 0; r < n; r++) {
        s += (x[r * d + i] - mu[i]) * (x[r * d + j] - mu[j]);
      }
      sigma[i * d + j] = sigma[j * d + i] = s * (1 / (n - 1));
    }
  }
  return { mu, sigma };
}

Deno.test("featureStats equals the naive float64 loop bit for bit, for 1, 2 and 3 threads", async () => {
  // d not a multiple of the 4×4 kernel, n not a multiple of its k-block.
  for (const [n, d] of [[7, 5], [301, 67], [130, 131]]) {
    const x = features("a", n, d);
    const ref = naiveCovariance(x, n, d);
    for (const threads of [1, 2, 3]) {
      const s = await featureStats({ values: x, n, d }, { threads });
      assert.deepEqual(s.mu, ref.mu, `mu n=${n} d=${d} threads=${threads}`);
      let same = 0;
      for (let i = 0; i < d * d; i++) if (s.sigma[i] === ref.sigma[i]) same++;
      assert.equal(same, d * d, `sigma n=${n} d=${d} threads=${threads}`);
    }
  }
});

Deno.test("fid: blocked Cholesky path equals the eigendecomposition path", async () => {
  // d = 150 spans several 48-column Cholesky blocks and ragged slivers.
  const d = 150;
  const a = features("a", 400, d);
  const b = features("b", 350, d);
  const sa = await featureStats({ values: a, n: 400, d });
  const sb = await featureStats({ values: b, n: 350, d });
  const eigen = fidFromStats(sa, sb, { method: "eigen" });
  assert.ok(eigen > 1, `${eigen}`);
  assertRelClose(fidFromStats(sa, sb, { method: "cholesky" }), eigen, 1e-11);
  assertRelClose(
    fidFromStats(sb, sa, { method: "cholesky" }),
    fidFromStats(sb, sa, { method: "eigen" }),
    1e-11,
    "b vs a",
  );
});

Deno.test("fid: a zero-variance feature (exact zero Cholesky pivot) drops out of the trace term", async () => {
  // With feature z constant in the first set, Σ₁ has a zero row and column,
  // so FID = FID without z + (μ₁z − μ₂z)² + Σ₂zz exactly.
  const d = 61, z = 17;
  const a = features("a", 200, d);
  for (let r = 0; r < 200; r++) a[r * d + z] = 0.25;
  const b = features("b", 180, d);
  const drop = (x: Float32Array) => x.filter((_, i) => i % d !== z);
  const sa = await featureStats({ values: a, n: 200, d });
  const sb = await featureStats({ values: b, n: 180, d });
  const ra = await featureStats({ values: drop(a), n: 200, d: d - 1 });
  const rb = await featureStats({ values: drop(b), n: 180, d: d - 1 });
  const extra = (sa.mu[z] - sb.mu[z]) ** 2 + sb.sigma[z * d + z];
  const full = fidFromStats(sa, sb, { method: "cholesky" });
  assertRelClose(full, fidFromStats(ra, rb) + extra, 1e-11);
});

Deno.test("fid refuses N ≤ d, or with allowSingular warns on one stderr line", async () => {
  const d = 32;
  const small = await featureStats({ values: features("a", 32, d), n: 32, d });
  const big: FeatureStats = await featureStats({
    values: features("b", 200, d),
    n: 200,
    d,
  });
  assert.throws(
    () => fidFromStats(small, big),
    /^Error: fid: N = 32 \(first set\) ≤ feature dimension d = 32: the covariance is singular and FID is inflated; use more than d samples per set, or allowSingular to compute it anyway$/,
  );
  assert.throws(
    () => fidFromStats(big, small),
    /N = 32 \(second set\) ≤ feature dimension d = 32/,
  );
  const warned: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => warned.push(args.join(" "));
  let value: number;
  try {
    value = fidFromStats(small, big, { allowSingular: true });
  } finally {
    console.warn = warn;
  }
  assert.ok(Number.isFinite(value) && value > 0, `${value}`);
  assert.equal(warned.length, 1);
  assert.match(
    warned[0],
    /^fid: WARNING: N = 32 \(first set\) ≤ feature dimension d = 32/,
  );
  // N = d + 1 is accepted without a warning.
  const ok = await featureStats({ values: features("a", 33, d), n: 33, d });
  assert.ok(Number.isFinite(fidFromStats(ok, big)));
});
