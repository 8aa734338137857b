/**
 * Precision, recall, density and coverage against an independent float64
 * numpy implementation (fixture: tests/fixtures/metrics/make_prdc_fixture.py),
 * their invariants, and the input errors.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { assert } from "../_assert.ts";
import { noLeak, setupBackend } from "./_setup.ts";
import { prdc, prdcReal } from "../../src/metrics/prdc.ts";

const FIXTURE = new URL(
  "../fixtures/metrics/prdc_reference.json",
  import.meta.url,
);

interface Case {
  real: number[][];
  fake: number[][];
  expected: Record<string, number>;
}

/** The fixture's cases, features scaled back to their float32 values. */
function cases(): { kPr: number; kDc: number; cases: Record<string, Case> } {
  const raw = JSON.parse(Deno.readTextFileSync(FIXTURE));
  const scale = (rows: number[][]) =>
    rows.map((r) => r.map((v) => v / raw.scale));
  const out: Record<string, Case> = {};
  for (const [name, c] of Object.entries(raw.cases) as [string, Case][]) {
    out[name] = {
      real: scale(c.real),
      fake: scale(c.fake),
      expected: c.expected,
    };
  }
  return { kPr: raw.k_pr, kDc: raw.k_dc, cases: out };
}

Deno.test("prdc equals the float64 numpy reference exactly", async () => {
  await setupBackend();
  const ref = cases();
  for (const [name, c] of Object.entries(ref.cases)) {
    const real = tf.tensor2d(c.real);
    const fake = tf.tensor2d(c.fake);
    // Small chunks exercise the chunk seams.
    const got = await noLeak(() =>
      prdc(real, fake, { kPr: ref.kPr, kDc: ref.kDc, chunkRows: 37 })
    );
    tf.dispose([real, fake]);
    const e = c.expected;
    const n = c.real.length;
    const m = c.fake.length;
    // Ratios of integer counts: any difference is a membership flip.
    assert.equal(got.precision * m, e.precision_count, `${name} precision`);
    assert.equal(got.recall * n, e.recall_count, `${name} recall`);
    assert.equal(got.coverage * n, e.coverage_count, `${name} coverage`);
    assert.equal(got.precision, e.precision, `${name} precision`);
    assert.equal(got.recall, e.recall, `${name} recall`);
    assert.equal(got.coverage, e.coverage, `${name} coverage`);
    assert.equal(got.density, e.density, `${name} density`);
    // Far from the trivial values, so the comparison means something.
    for (const v of [got.precision, got.recall, got.density]) {
      assert.ok(v > 0.1 && v < 2.5 && v !== 1, `${name}: ${v}`);
    }
  }
});

Deno.test("prdc: arrays and tensors agree; a prepared real set is reused", async () => {
  await setupBackend();
  const c = cases().cases.mode_dropping;
  const fromArrays = await prdc(c.real, c.fake);
  const prepared = await prdcReal(c.real);
  const fake = tf.tensor2d(c.fake);
  const fromPrepared = await noLeak(() => prdc(prepared, fake));
  fake.dispose();
  assert.deepEqual(fromPrepared, fromArrays);
  assert.equal(fromArrays.density, c.expected.density);
});

Deno.test("prdc: identical sets give 1, disjoint far sets give 0", async () => {
  await setupBackend();
  const a = tf.randomNormal([300, 16], 0, 1, "float32", 7) as tf.Tensor2D;
  const same = await noLeak(() => prdc(a, a));
  assert.equal(same.precision, 1);
  assert.equal(same.recall, 1);
  assert.equal(same.coverage, 1);
  // Each real ball holds the copy of itself and its k − 1 nearest other
  // reals; the k-th sits on the boundary (strict <): k per ball, density 1.
  assert.equal(same.density, 1);
  const far = tf.add(a, 1000) as tf.Tensor2D;
  const apart = await prdc(a, far);
  assert.deepEqual(
    [apart.precision, apart.recall, apart.density, apart.coverage],
    [0, 0, 0, 0],
  );
  tf.dispose([a, far]);
});

Deno.test("prdc: input errors are one-line messages", async () => {
  await setupBackend();
  const a = [[0, 0], [1, 0], [0, 1]];
  await assert.rejects(
    () => prdc(a, [[0, 0], [1, 1], [2, 2], [3, 3], [4, 4]], { kPr: 3 }),
    /^Error: prdc: kPr = 3 needs more than 3 real rows, got 3$/,
  );
  await assert.rejects(
    () => prdc(a, [[0, 0], [1, 1]], { kPr: 2, kDc: 2 }),
    /^Error: prdc: kPr = 2 needs more than 2 fake rows, got 2$/,
  );
  await assert.rejects(
    () => prdc(a, [[0, 0, 0], [1, 1, 1]], { kPr: 1, kDc: 1 }),
    /^Error: prdc: feature dimensions differ: real \[3, 2\], fake \[2, 3\]$/,
  );
  await assert.rejects(
    () => prdc(a, [[0, NaN], [1, 1]], { kPr: 1, kDc: 1 }),
    /^Error: prdc: fake features hold a non-finite value \(NaN\) at row 0$/,
  );
  await assert.rejects(
    () => prdc(a, a, { kPr: 0 }),
    /^Error: prdc: kPr must be an integer ≥ 1, got 0$/,
  );
});

Deno.test("prdc: exact under float32 cancellation (both sets moved by 1000)", async () => {
  await setupBackend();
  const c = cases().cases.shifted;
  // 1000 + k/512 is exact in float32, so the float64 distances are unchanged.
  const move = (rows: number[][]) => rows.map((r) => r.map((v) => v + 1000));
  const got = await prdc(move(c.real), move(c.fake));
  assert.equal(got.precision, c.expected.precision);
  assert.equal(got.recall, c.expected.recall);
  assert.equal(got.density, c.expected.density);
  assert.equal(got.coverage, c.expected.coverage);
});

/** Plain float64 brute force of the four values (k = 3 and 5). */
function bruteForce(real: number[][], fake: number[][]) {
  const d2 = (a: number[], b: number[]) =>
    a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0);
  const radius = (set: number[][], i: number, k: number) =>
    set.filter((_, j) => j !== i).map((p) => d2(set[i], p)).sort((
      p,
      q,
    ) => p - q)[k - 1];
  const r3 = real.map((_, i) => radius(real, i, 3));
  const r5 = real.map((_, i) => radius(real, i, 5));
  const f3 = fake.map((_, j) => radius(fake, j, 3));
  const mean = (xs: boolean[]) => xs.filter((x) => x).length / xs.length;
  let count = 0;
  for (const f of fake) real.forEach((r, i) => count += +(d2(r, f) < r5[i]));
  return {
    precision: mean(fake.map((f) => real.some((r, i) => d2(r, f) < r3[i]))),
    recall: mean(real.map((r) => fake.some((f, j) => d2(r, f) < f3[j]))),
    density: (1 / 5) * (count / fake.length),
    coverage: mean(real.map((r, i) => fake.some((f) => d2(r, f) < r5[i]))),
  };
}

Deno.test("prdc: duplicated points (radius 0, empty balls) match brute force", async () => {
  await setupBackend();
  const noise = tf.randomNormal([60, 5], 0, 1, "float32", 11);
  const rand = noise.arraySync() as number[][];
  noise.dispose();
  // Twelve copies of one real point and eight of one fake point: their
  // radii are 0, so their balls are empty (strict <).
  const real = [...rand.slice(0, 30), ...Array(12).fill(rand[0])];
  const fake = [...rand.slice(25, 60), ...Array(8).fill(rand[40])];
  const got = await prdc(real, fake);
  const { rechecked, ...values } = got;
  assert.deepEqual(values, bruteForce(real, fake));
  assert.ok(rechecked > 0, `rechecked ${rechecked}`);
});

Deno.test("prdcReal: exact radii where float32 cannot order the neighbours", async () => {
  await setupBackend();
  const d = 24;
  const at = (entries: [number, number][]) => {
    const v = new Array(d).fill(0);
    for (const [i, x] of entries) v[i] = x;
    return v;
  };
  // A point at the origin with 20 neighbours at distances 1 + j/4096 along
  // their own axes, nearest last, and 30 points 4000 away that move the
  // mean: the centred norms (~10⁶) round the neighbours' float32 distances
  // to ties, the top-k keeps the farthest, and only the float64 row
  // fallback finds the true k-th neighbour (it fails without it).
  const real = [
    at([]),
    ...Array.from({ length: 20 }, (_, j) => at([[j + 1, 1 + (20 - j) / 4096]])),
    ...Array.from({ length: 30 }, (_, i) => at([[0, 4000], [23, i + 1]])),
  ];
  const got = await prdcReal(real, { kPr: 3, kDc: 5 });
  const d2 = (a: number[], b: number[]) =>
    a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0);
  const kth = (i: number, k: number) =>
    real.filter((_, j) => j !== i).map((p) => d2(real[i], p))
      .sort((p, q) => p - q)[k - 1];
  assert.deepEqual(Array.from(got.radiiPr), real.map((_, i) => kth(i, 3)));
  assert.deepEqual(Array.from(got.radiiDc), real.map((_, i) => kth(i, 5)));
  assert.equal(got.radiiDc[0], (1 + 5 / 4096) ** 2);
});
