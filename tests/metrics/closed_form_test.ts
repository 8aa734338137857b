/** Closed-form and hand-computed values of the metrics. */
import * as tf from "@tensorflow/tfjs-core";
import { assert, assertClose, assertRelClose } from "../_assert.ts";
import {
  diversityPairs,
  equilibrium,
  featureStats,
  fid,
  fidFromStats,
  inceptionScore,
  kid,
  nearestNeighbours,
  psnr,
  psnrSsimNearest,
  rocAuc,
  ssim,
  ssimDiversity,
  toUnitRange,
} from "../../src/metrics/mod.ts";
import { getLoss } from "../../src/losses/registry.ts";
import { mulberry32 } from "../../src/util/random.ts";
import { noLeak, setupBackend } from "./_setup.ts";

Deno.test("fid of diagonal Gaussians equals the closed form", () => {
  // Exact statistics: FID = ‖μ₁−μ₂‖² + Σ (√a − √b)² for diagonal Σ.
  const d = 5;
  const a = [1, 4, 0.25, 2, 9];
  const b = [4, 1, 1, 2, 0.5];
  const s = (v: number[]) => {
    const m = new Float64Array(d * d);
    v.forEach((x, i) => m[i * d + i] = x);
    return m;
  };
  const mu1 = Float64Array.from([0, 1, 2, 3, 4]);
  const mu2 = Float64Array.from([1, 1, 0, 3, 4]);
  let expected = 1 + 4;
  for (let i = 0; i < d; i++) {
    expected += (Math.sqrt(a[i]) - Math.sqrt(b[i])) ** 2;
  }
  for (const method of ["auto", "eigen", "cholesky"] as const) {
    const value = fidFromStats(
      { mu: mu1, sigma: s(a), n: 10, d },
      { mu: mu2, sigma: s(b), n: 10, d },
      { method },
    );
    assertClose(value, expected, 1e-12, method);
  }
});

Deno.test("fid of commuting non-diagonal covariances (rotated) equals the closed form", () => {
  // Σ₁ = R diag(a) Rᵀ, Σ₂ = R diag(b) Rᵀ with a rotation R: same trace term.
  const d = 3;
  const a = [3, 1, 0]; // singular Σ₁ exercises the clamped eigen path
  const b = [2, 5, 1];
  const c = Math.cos(0.7), s = Math.sin(0.7);
  const r = [[c, -s, 0], [s, c, 0], [0, 0, 1]];
  const rot = (v: number[]) => {
    const m = new Float64Array(d * d);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        for (let k = 0; k < d; k++) m[i * d + j] += r[i][k] * v[k] * r[j][k];
      }
    }
    return m;
  };
  const mu = new Float64Array(d);
  let expected = 0;
  for (let i = 0; i < d; i++) {
    expected += (Math.sqrt(a[i]) - Math.sqrt(b[i])) ** 2;
  }
  const value = fidFromStats(
    { mu, sigma: rot(a), n: 3, d },
    { mu, sigma: rot(b), n: 3, d },
    { allowSingular: true }, // N ≤ d on purpose (singular Σ₁)
  );
  assertClose(value, expected, 1e-10);
});

Deno.test("fid of a set with itself is 0; statistics are reusable", async () => {
  await setupBackend();
  const x = tf.randomNormal([200, 24], 0, 1, "float32", 3) as tf.Tensor2D;
  assertClose(await noLeak(() => fid(x, x)), 0, 1e-9);
  const stats = await featureStats(x);
  assert.equal(stats.n, 200);
  assert.equal(stats.d, 24);
  assertClose(fidFromStats(stats, stats, { method: "eigen" }), 0, 1e-9);
  // Shifting every feature by 1 adds exactly d to the FID.
  const y = tf.add(x, 1) as tf.Tensor2D;
  assertRelClose(await fid(x, y), 24, 1e-5);
  tf.dispose([x, y]);
});

Deno.test("fid rejects mismatched dimensions", async () => {
  await setupBackend();
  const a = tf.zeros([4, 3]) as tf.Tensor2D;
  const b = tf.zeros([4, 2]) as tf.Tensor2D;
  await assert.rejects(() => fid(a, b), /dimensions differ/);
  tf.dispose([a, b]);
});

Deno.test("ssim of an image with itself is 1, psnr of known noise", async () => {
  await setupBackend();
  const a = tf.randomUniform([3, 16, 20, 3], 0, 1, "float32", 5) as tf.Tensor4D;
  const s = await noLeak(() => ssim(a, a));
  for (const v of s) assertClose(v, 1, 1e-6);
  // ±0.1 checkerboard noise: MSE = 0.01 → PSNR = 20 dB (data range 1).
  const noise = tf.tidy(() => {
    const v = new Float32Array(3 * 16 * 20 * 3);
    for (let i = 0; i < v.length; i++) v[i] = i % 2 ? 0.1 : -0.1;
    return tf.add(tf.fill([3, 16, 20, 3], 0.5), tf.tensor4d(v, [3, 16, 20, 3]));
  }) as tf.Tensor4D;
  const base = tf.fill([3, 16, 20, 3], 0.5) as tf.Tensor4D;
  const p = await noLeak(() => psnr(base, noise));
  for (const v of p) assertClose(v, 20, 1e-4);
  const p2 = await psnr(base, noise, { dataRange: 2 });
  for (const v of p2) assertClose(v, 20 + 20 * Math.log10(2), 1e-4);
  assert.equal((await psnr(a, a))[0], Infinity);
  tf.dispose([a, noise, base]);
});

Deno.test("ssim and psnr reject mismatched shapes and small images", async () => {
  await setupBackend();
  const a = tf.zeros([2, 16, 16, 1]) as tf.Tensor4D;
  const b = tf.zeros([2, 16, 16, 3]) as tf.Tensor4D;
  const c = tf.zeros([2, 8, 8, 1]) as tf.Tensor4D;
  await assert.rejects(() => ssim(a, b), /\[2,16,16,1\] and \[2,16,16,3\]/);
  await assert.rejects(() => psnr(a, b), /equal shapes/);
  await assert.rejects(() => ssim(c, c), /at least 11×11/);
  tf.dispose([a, b, c]);
});

Deno.test("inception score: confident uniform = classes, identical = 1", async () => {
  await setupBackend();
  const k = 7;
  const labels = Array.from({ length: 10 * k * 3 }, (_, i) => i % k);
  const confident = tf.oneHot(tf.tensor1d(labels, "int32"), k) as tf.Tensor2D;
  const a = await noLeak(() => inceptionScore(confident));
  assertClose(a.mean, k, 1e-9);
  assertClose(a.std, 0, 1e-9);
  const same = tf.tile(tf.tensor2d([[0.2, 0.5, 0.3]]), [50, 1]) as tf.Tensor2D;
  const b = await inceptionScore(same, { splits: 5 });
  assertClose(b.mean, 1, 1e-6);
  await assert.rejects(() => inceptionScore(same, { splits: 51 }), /splits/);
  tf.dispose([confident, same]);
});

Deno.test("kid of identical sets ≈ 0, of shifted sets > 0", async () => {
  await setupBackend();
  const x = tf.randomNormal([400, 16], 0, 1, "float32", 9) as tf.Tensor2D;
  const same = await noLeak(() =>
    kid(x, x, { subsets: 20, subsetSize: 400, seed: 1 })
  );
  // Full subsets of one set: every estimate is 2(S−D)/(m(m−1)) − 2S/m² with
  // S the sum of the whole Gram matrix and D its trace (float64 here), a
  // value of order 1/m, i.e. ≈ 0.
  const v = await x.data();
  const m = 400, d = 16;
  let sum = 0, trace = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      let dot = 0;
      for (let k = 0; k < d; k++) dot += v[i * d + k] * v[j * d + k];
      const kij = (dot / d + 1) ** 3;
      sum += kij;
      if (i === j) trace += kij;
    }
  }
  const expected = (2 * (sum - trace)) / (m * (m - 1)) - (2 * sum) / (m * m);
  assertRelClose(same.mean, expected, 1e-3);
  assertClose(same.std, 0, 1e-5 * Math.abs(expected));
  assert.ok(
    Math.abs(same.mean) < 0.05,
    `KID of a set with itself ${same.mean}`,
  );
  const y = tf.add(x, 0.5) as tf.Tensor2D;
  const shifted = await kid(x, y, { subsets: 10, subsetSize: 200, seed: 1 });
  assert.ok(shifted.mean > 0.5, `KID of shifted sets ${shifted.mean}`);
  tf.dispose([x, y]);
});

Deno.test("roc auc: separated = 1, reversed = 0, identical = 0.5", () => {
  assert.equal(rocAuc([3, 4, 5], [0, 1, 2]), 1);
  assert.equal(rocAuc([0, 1], [3, 4, 5]), 0);
  assert.equal(rocAuc([1, 1, 1], [1, 1]), 0.5);
  // Hand value: pairs (2>1) (2=2)½ (0<1) (0<2) → 1.5 / 4.
  assert.equal(rocAuc([2, 0], [1, 2]), 0.375);
});

Deno.test("equilibrium statistics and d_loss_gap per loss", () => {
  const eq = equilibrium({
    realScores: [0, 0],
    fakeScores: [0, 0],
    trainScores: [1, 2],
    loss: getLoss("ns"),
    dLoss: 2 * Math.LN2,
  });
  assert.equal(eq.d_real, 0.5);
  assert.equal(eq.d_fake, 0.5);
  assert.equal(eq.d_auc, 0.5);
  assert.equal(eq.d_auc_train, 1);
  assert.equal(eq.eq_gap, 0);
  assert.equal(eq.w_estimate, 0);
  assertClose(eq.d_loss_gap, 0, 1e-15);
  const w = equilibrium({
    realScores: [3, 5],
    fakeScores: [-1, 1],
    loss: getLoss("wgan-gp"),
    dLoss: -2,
  });
  assert.equal(w.d_real, 4);
  assert.equal(w.d_fake, 0);
  assert.equal(w.w_estimate, 4);
  assert.equal(w.eq_gap, 1);
  assert.equal(w.d_loss_gap, -2);
  assert.ok(Number.isNaN(w.d_auc_train));
  // σ is stable for large scores.
  const big = equilibrium({
    realScores: [800],
    fakeScores: [-800],
    loss: getLoss("minimax"),
  });
  assert.equal(big.d_real, 1);
  assert.equal(big.d_fake, 0);
});

Deno.test("nearest neighbours equal a float64 brute force; psnr/ssim vs neighbour", async () => {
  await setupBackend();
  const pool = tf.randomUniform(
    [300, 12, 12, 3],
    0,
    1,
    "float32",
    11,
  ) as tf.Tensor4D;
  const q = tf.randomUniform(
    [50, 12, 12, 3],
    0,
    1,
    "float32",
    12,
  ) as tf.Tensor4D;
  const idx = await noLeak(() => nearestNeighbours(q, pool, { chunkSize: 16 }));
  const pv = await pool.data();
  const qv = await q.data();
  const dim = 12 * 12 * 3;
  for (let i = 0; i < 50; i++) {
    let best = -1, bestD = Infinity;
    for (let j = 0; j < 300; j++) {
      let s = 0;
      for (let k = 0; k < dim; k++) {
        s += (qv[i * dim + k] - pv[j * dim + k]) ** 2;
      }
      if (s < bestD) [best, bestD] = [j, s];
    }
    assert.equal(idx[i], best, `query ${i}`);
  }
  // Exact copies of pool images: SSIM 1, PSNR ∞, indices found.
  const copies = tf.gather(
    pool,
    tf.tensor1d([7, 200, 42], "int32"),
  ) as tf.Tensor4D;
  const r = await noLeak(() => psnrSsimNearest(copies, pool));
  assert.deepEqual(Array.from(r.indices), [7, 200, 42]);
  assertClose(r.ssim, 1, 1e-6);
  assert.equal(r.psnr, Infinity);
  // Otherwise the means equal psnr/ssim against the gathered neighbours.
  const r2 = await psnrSsimNearest(q, pool);
  const nb = tf.gather(pool, tf.tensor1d(r2.indices, "int32")) as tf.Tensor4D;
  const mean = (v: Float64Array) => v.reduce((x, y) => x + y, 0) / v.length;
  assertClose(r2.psnr, mean(await psnr(q, nb)), 1e-9);
  assertClose(r2.ssim, mean(await ssim(q, nb)), 1e-9);
  tf.dispose([pool, q, copies, nb]);
});

Deno.test("ssim diversity: collapsed = 1, pairs distinct and within class", async () => {
  await setupBackend();
  const same = tf.ones([6, 12, 12, 1]) as tf.Tensor4D;
  assertClose(
    await noLeak(() => ssimDiversity(same, { pairs: 20, seed: 3 })),
    1,
    1e-6,
  );
  const labels = [0, 1, 0, 2, 1, 0, 3];
  const { first, second } = diversityPairs(7, 500, 4, labels);
  for (let k = 0; k < 500; k++) {
    assert.notEqual(first[k], second[k]);
    assert.equal(labels[first[k]], labels[second[k]]);
    assert.notEqual(labels[first[k]], 3, "a singleton class is never paired");
  }
  // Same seed, same pairs.
  assert.deepEqual(
    diversityPairs(7, 50, 4, labels),
    diversityPairs(7, 50, 4, labels),
  );
  const imgs = tf.randomUniform(
    [7, 12, 12, 1],
    0,
    1,
    "float32",
    2,
  ) as tf.Tensor4D;
  const div = await ssimDiversity(imgs, { pairs: 30, seed: 4, labels });
  const p = diversityPairs(7, 30, 4, labels);
  const a = tf.gather(imgs, tf.tensor1d(p.first, "int32")) as tf.Tensor4D;
  const b = tf.gather(imgs, tf.tensor1d(p.second, "int32")) as tf.Tensor4D;
  const s = await ssim(a, b);
  assertClose(div, s.reduce((x, y) => x + y, 0) / s.length, 1e-9);
  tf.dispose([same, imgs, a, b]);
});

Deno.test("toUnitRange maps [-1, 1] to [0, 1]", async () => {
  await setupBackend();
  const x = tf.tensor1d([-1, -0.5, 0, 1, 1.5]);
  const y = toUnitRange(x);
  assert.deepEqual(Array.from(await y.data()), [0, 0.25, 0.5, 1, 1]);
  tf.dispose([x, y]);
});

Deno.test("mulberry32 seeds are reproducible (sanity)", () => {
  const a = mulberry32(5), b = mulberry32(5);
  for (let i = 0; i < 10; i++) assert.equal(a(), b());
});

Deno.test("fid with N ≤ d: the low-rank (pivoted Cholesky) path equals the eigendecomposition", async () => {
  await setupBackend();
  const small = tf.randomNormal([10, 96], 0, 1, "float32", 7) as tf.Tensor2D;
  const big = tf.randomNormal([300, 96], 0.2, 1.3, "float32", 8) as tf.Tensor2D;
  const a = await featureStats(small);
  const b = await featureStats(big);
  const singular = { allowSingular: true };
  // The eigen path also sums the square roots of Σ₁'s rounding-noise
  // eigenvalues (rank 9 < 96); the two agree to about 1e-8 relative.
  const fast = fidFromStats(a, b, singular);
  const eigen = fidFromStats(a, b, { ...singular, method: "eigen" });
  assert.ok(
    Math.abs(fast - eigen) <= 1e-7 * Math.abs(eigen),
    `${fast} vs ${eigen}`,
  );
  tf.dispose([small, big]);
});
