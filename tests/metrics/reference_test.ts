/**
 * Agreement with numpy / scipy / scikit-image / scikit-learn reference values
 * (tests/fixtures/metrics/make_reference.py).
 */
import * as tf from "@tensorflow/tfjs-core";
import { assert, assertClose, assertRelClose } from "../_assert.ts";
import { mulberry32 } from "../../src/util/random.ts";
import {
  featureStats,
  fid,
  fidFromStats,
  inceptionScore,
  kid,
  kidSubsets,
  psnr,
  rocAuc,
  ssim,
} from "../../src/metrics/mod.ts";
import { noLeak, readF32, readReference, setupBackend } from "./_setup.ts";

const ref = readReference();

function tensor2d(name: string, n: number, d: number): tf.Tensor2D {
  return tf.tensor2d(readF32(name), [n, d]);
}

Deno.test("fid matches scipy.linalg.sqrtm and numpy eigh (full rank)", async () => {
  await setupBackend();
  const { d, n_a, n_b } = ref.fid;
  const a = tensor2d("fid_a.f32", n_a, d);
  const b = tensor2d("fid_b.f32", n_b, d);
  const value = await noLeak(() => fid(a, b));
  assertRelClose(value, ref.fid.a_b_sqrtm, 1e-3, "fid(a, b) vs sqrtm");
  assertRelClose(value, ref.fid.a_b_eigh, 1e-9, "fid(a, b) vs eigh");
  const sa = await featureStats(a);
  const sb = await featureStats(b);
  const eigen = fidFromStats(sa, sb, { method: "eigen" });
  const chol = fidFromStats(sa, sb, { method: "cholesky" });
  assertRelClose(eigen, ref.fid.a_b_eigh, 1e-9, "eigen path");
  assertRelClose(chol, ref.fid.a_b_eigh, 1e-9, "cholesky path");
  assertRelClose(fidFromStats(sb, sa), ref.fid.b_a_sqrtm, 1e-3, "fid(b, a)");
  tf.dispose([a, b]);
});

Deno.test("fid with a singular covariance (N < d) matches numpy eigh", async () => {
  await setupBackend();
  const { d, n_b, n_small } = ref.fid;
  const s = tensor2d("fid_small.f32", n_small, d);
  const b = tensor2d("fid_b.f32", n_b, d);
  const singular = { allowSingular: true }; // N < d on purpose
  assertRelClose(
    await noLeak(() => fid(s, b, singular)),
    ref.fid.small_b_eigh,
    1e-6,
  );
  assertRelClose(await fid(b, s, singular), ref.fid.b_small_eigh, 1e-6);
  assertRelClose(
    await fid(s, b, singular),
    ref.fid.small_b_sqrtm,
    1e-3,
    "vs sqrtm",
  );
  tf.dispose([s, b]);
});

Deno.test("inception score matches the reference implementation", async () => {
  await setupBackend();
  const p = tensor2d("is_probs.f32", ref.is.n, ref.is.classes);
  const s10 = await noLeak(() => inceptionScore(p));
  assertRelClose(s10.mean, ref.is.splits10[0], 1e-4, "IS mean");
  assertRelClose(s10.std, ref.is.splits10[1], 1e-4, "IS std");
  const s3 = await inceptionScore(p, { splits: 3 });
  assertRelClose(s3.mean, ref.is.splits3[0], 1e-4, "IS mean (3 splits)");
  assertRelClose(s3.std, ref.is.splits3[1], 1e-4, "IS std (3 splits)");
  p.dispose();
});

Deno.test("mulberry32 and KID subsets reproduce the Python sampler", () => {
  const rng = mulberry32(123);
  for (const v of ref.kid.mulberry32_seed123) equal(rng(), v);
  const [first] = kidSubsets(
    ref.kid.n_a,
    ref.kid.n_b,
    1,
    ref.kid.subset_size,
    ref.kid.seed,
  );
  assert.deepEqual(Array.from(first.a), ref.kid.first_subset_a);
  assert.deepEqual(Array.from(first.b), ref.kid.first_subset_b);
  assert.deepEqual(
    new Set(first.a).size,
    first.a.length,
    "distinct within a subset",
  );
});

function equal(actual: number, expected: number): void {
  assertClose(actual, expected, 0);
}

Deno.test("kid matches the Bińkowski et al. polynomial MMD", async () => {
  await setupBackend();
  const { d, n_a, n_b, subsets, subset_size, seed } = ref.kid;
  const a = tensor2d("kid_a.f32", n_a, d);
  const b = tensor2d("kid_b.f32", n_b, d);
  const out = await noLeak(() =>
    kid(a, b, { subsets, subsetSize: subset_size, seed })
  );
  assertRelClose(out.mean, ref.kid.mean, 1e-3, "KID mean");
  assertRelClose(out.std, ref.kid.std, 1e-3, "KID std");
  tf.dispose([a, b]);
});

for (
  const key of [
    "gray_random",
    "gray_structured",
    "rgb_random",
    "rgb_structured",
  ]
) {
  Deno.test(`ssim and psnr match scikit-image (${key})`, async () => {
    await setupBackend();
    const r = ref.images[key];
    const shape = r.shape as [number, number, number, number];
    const a = tf.tensor4d(readF32(`img_${key}_a.f32`), shape);
    const b = tf.tensor4d(readF32(`img_${key}_b.f32`), shape);
    const s = await noLeak(() => ssim(a, b));
    const p = await noLeak(() => psnr(a, b));
    for (let i = 0; i < shape[0]; i++) {
      assertClose(s[i], r.ssim[i], 1e-4, `ssim[${i}]`);
      assertClose(p[i], r.psnr[i], 1e-4, `psnr[${i}]`);
    }
    // Batching must not change the values.
    const s2 = await ssim(a, b, { batchSize: 4 });
    for (let i = 0; i < shape[0]; i++) assertClose(s2[i], s[i], 1e-6);
    tf.dispose([a, b]);
  });
}

Deno.test("roc auc with ties matches scikit-learn", () => {
  const auc = rocAuc(readF32("auc_pos.f32"), readF32("auc_neg.f32"));
  assertClose(auc, ref.auc.auc, 1e-12);
});
