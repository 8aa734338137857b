/**
 * Tests of the memorisation test: the exact nearest-distance kernel against
 * brute force, the quantile and copy rate, the train-feature cache, and the
 * copy rates on the synthetic data set with its shipped evaluator — planted
 * exact copies from anywhere in the train split are caught, blurred or
 * noisy real test images are not.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { assert } from "../_assert.ts";
import { loadDataset } from "../../src/data/registry.ts";
import type { Dataset } from "../../src/data/types.ts";
import { loadEvaluator } from "../../src/metrics/evaluators/load.ts";
import {
  copyRate,
  nearestDistances,
  quantile,
} from "../../src/metrics/nearest_train.ts";
import {
  disposeMemorisation,
  memorisationMetrics,
  pixelFactor,
  prepareMemorisation,
} from "../../src/evaluation/memorisation.ts";
import { cachedTrainFeatures } from "../../src/evaluation/train_feature_cache.ts";
import {
  featuresInChunks,
  nativeShape,
} from "../../src/evaluation/sampling.ts";
import type { EvaluatorNetwork } from "../../src/evaluation/types.ts";
import { imagesAt } from "../../src/train/real_batch.ts";
import { setupCpu } from "../models/_setup.ts";

await setupCpu();

Deno.test("nearestDistances: equals brute force over chunk sizes that do not divide the pool, tensor or chunked source", async () => {
  const pool = tf.randomNormal([37, 5], 0, 1, "float32", 11) as tf.Tensor2D;
  const queries = tf.randomNormal([13, 5], 0, 1, "float32", 12);
  const p = pool.arraySync();
  const expected = (queries.arraySync() as number[][]).map((q) => {
    let best = Infinity;
    let arg = -1;
    p.forEach((row, j) => {
      const d = Math.hypot(...row.map((v, k) => v - q[k]));
      if (d < best) [best, arg] = [d, j];
    });
    return { best, arg };
  });
  const before = tf.memory().numTensors;
  const fromTensor = await nearestDistances(queries, pool, {
    poolChunk: 8,
    queryChunk: 5,
  });
  const fromSource = await nearestDistances(queries, {
    count: 37,
    rows: (s, e) => tf.slice(pool, s, e - s),
  }, { poolChunk: 10 });
  assert.equal(tf.memory().numTensors, before);
  for (const r of [fromTensor, fromSource]) {
    assert.deepEqual(Array.from(r.indices), expected.map((e) => e.arg));
    r.distances.forEach((d, i) =>
      assert.ok(Math.abs(d - expected[i].best) < 1e-5, `query ${i}`)
    );
  }
  // An exact copy of the last pool row scores exactly 0 there.
  const copy = tf.slice(pool, 36, 1);
  const c = await nearestDistances(copy, pool, { poolChunk: 16 });
  assert.deepEqual([c.indices[0], c.distances[0]], [36, 0]);
  tf.dispose([pool, queries, copy]);
});

Deno.test("nearestDistances: rejects an empty pool, unequal sizes and bad chunks", async () => {
  const [q, empty, wide, ok] = [[2, 4], [0, 4], [3, 5], [3, 4]].map((s) =>
    tf.zeros(s)
  );
  await assert.rejects(
    () => nearestDistances(q, empty),
    /nearestDistances: the pool is empty/,
  );
  await assert.rejects(
    () => nearestDistances(q, wide),
    /pool rows 0…2 have shape \[3,5\], expected \[3, 4\]/,
  );
  await assert.rejects(
    () => nearestDistances(q, ok, { poolChunk: 0 }),
    /poolChunk must be a positive integer, got 0/,
  );
  tf.dispose([q, empty, wide, ok]);
});

Deno.test("quantile and copyRate: numpy's linear quantile; strictly below", () => {
  const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 … 1
  assert.ok(Math.abs(quantile(values, 0.01) - 1.99) < 1e-12); // np.quantile
  assert.equal(quantile([4, 1, 3, 2], 0.5), 2.5);
  assert.equal(copyRate(values, 1.99), 0.01);
  assert.equal(copyRate([0, 1, 2], 1), 1 / 3);
  assert.throws(() => quantile([], 0.5), /quantile: the sample is empty/);
  assert.throws(
    () => quantile([1], 2),
    /quantile: the level must be in \[0, 1\], got 2/,
  );
});

Deno.test("pixelFactor: 4 for 28 and 32 pixel sides, 2 for 16, 1 when pooling would go below 7", () => {
  const of = (height: number, width: number) =>
    pixelFactor({ height, width } as Dataset);
  assert.deepEqual([of(28, 28), of(32, 32), of(16, 16), of(10, 10)], [
    4,
    4,
    2,
    1,
  ]);
});

/** An evaluator that counts its forward passes. */
function counting(evaluator: EvaluatorNetwork): {
  evaluator: EvaluatorNetwork;
  calls: () => number;
} {
  let calls = 0;
  return {
    evaluator: {
      id: evaluator.id,
      checksum: evaluator.checksum,
      predict: (x) => {
        calls++;
        return evaluator.predict(x);
      },
    },
    calls: () => calls,
  };
}

Deno.test("cachedTrainFeatures: computed once, read back equal; damaged or other-evaluator files are recomputed", async () => {
  const dataset = await loadDataset("synthetic");
  const shipped = await loadEvaluator("synthetic");
  const cacheDir = await Deno.makeTempDir();
  try {
    const { evaluator, calls } = counting(shipped);
    const first = await cachedTrainFeatures(dataset, evaluator, cacheDir);
    assert.deepEqual(first.shape, [512, first.shape[1]]);
    const passes = calls();
    assert.ok(passes > 0);
    const second = await cachedTrainFeatures(dataset, evaluator, cacheDir);
    assert.equal(calls(), passes); // read back, no forward pass
    assert.deepEqual(await second.data(), await first.data());
    const [file] = [...Deno.readDirSync(cacheDir)].map((e) =>
      `${cacheDir}/${e.name}`
    );
    assert.match(file, /features-train-synthetic-/);
    const bytes = Deno.readFileSync(file);
    bytes[bytes.length - 5] ^= 0xff;
    Deno.writeFileSync(file, bytes);
    const third = await cachedTrainFeatures(dataset, evaluator, cacheDir);
    assert.equal(calls(), 2 * passes); // damaged: recomputed
    const other = counting({ ...shipped, checksum: "other" });
    (await cachedTrainFeatures(dataset, other.evaluator, cacheDir)).dispose();
    assert.ok(other.calls() > 0); // another evaluator: its own file
    tf.dispose([first, second, third]);
  } finally {
    shipped.dispose();
    await Deno.remove(cacheDir, { recursive: true });
  }
});

/** Gaussian blur (σ = 1 px, 7 × 7, zero padding) of [0, 1] images. */
function blur(unit: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const g = [-3, -2, -1, 0, 1, 2, 3].map((x) => Math.exp(-x * x / 2));
    const sum = g.reduce((a, b) => a + b);
    const k = g.flatMap((a) => g.map((b) => a * b / (sum * sum)));
    const c = unit.shape[3];
    const kernel = tf.tile(tf.reshape(tf.tensor1d(k), [7, 7, 1, 1]), [
      1,
      1,
      c,
      1,
    ]) as tf.Tensor4D;
    return tf.depthwiseConv2d(unit, kernel, 1, "same");
  });
}

/** The evaluator features of [0, 1] images. */
function embed(
  evaluator: EvaluatorNetwork,
  unit: tf.Tensor4D,
): tf.Tensor2D {
  // The evaluator reads [−1, 1] images.
  return featuresInChunks(
    evaluator,
    (s, e) => tf.tidy(() => tf.sub(tf.mul(tf.slice(unit, s, e - s), 2), 1)),
    unit.shape[0],
  );
}

function unitImages(
  dataset: Dataset,
  split: "train" | "test",
  indices: ArrayLike<number>,
): tf.Tensor4D {
  return tf.tidy(() =>
    tf.div(
      tf.add(
        imagesAt(dataset, dataset[split], indices, nativeShape(dataset)),
        1,
      ),
      2,
    )
  ) as tf.Tensor4D;
}

Deno.test("memorisation on synthetic: planted copies from the end of the train split are caught, blurred or noisy test images are not", async () => {
  const dataset = await loadDataset("synthetic");
  const evaluator = await loadEvaluator("synthetic");
  const before = tf.memory().numTensors;
  const ref = await prepareMemorisation(dataset, evaluator, 1000);
  try {
    assert.equal(ref.nReference, 128); // capped at the test split
    assert.equal(ref.factor, 2);
    assert.ok(ref.featThreshold > 0 && ref.pixelThreshold > 0);
    const n = 128;
    const score = async (unit: tf.Tensor4D) => {
      const features = embed(evaluator, unit);
      try {
        return await memorisationMetrics(unit, features, ref);
      } finally {
        tf.dispose([unit, features]);
      }
    };
    // 32 exact copies of the last 32 train images among 96 blurred test images.
    const last = Array.from({ length: 32 }, (_, i) => 511 - i);
    const test = Array.from({ length: n }, (_, i) => i);
    const testUnit = unitImages(dataset, "test", test);
    const blurred = blur(testUnit);
    const mixed = tf.tidy(() =>
      tf.concat([
        unitImages(dataset, "train", last),
        tf.slice(blurred, 32, n - 32),
      ])
    ) as tf.Tensor4D;
    const planted = await score(mixed);
    assert.equal(planted.copy_rate, 32 / n);
    assert.equal(planted.copy_rate_feat, 32 / n);
    // Only copies: every one caught, the median distance (about) 0.
    const copies = await score(unitImages(dataset, "train", last));
    // Features of a copy match its train features to float rounding only.
    assert.deepEqual([copies.copy_rate, copies.copy_rate_feat], [1, 1]);
    assert.ok(copies.nn_dist_ratio < 1e-4, `ratio ${copies.nn_dist_ratio}`);
    const b = await score(blurred);
    const noisy = await score(tf.tidy(() =>
      tf.clipByValue(
        tf.add(testUnit, tf.randomNormal(testUnit.shape, 0, 0.1, "float32", 5)),
        0,
        1,
      )
    ) as tf.Tensor4D);
    testUnit.dispose();
    // The threshold admits 1 % of real test images: at most 1 of 128 here.
    for (const [name, m] of [["blurred", b], ["noisy", noisy]] as const) {
      assert.ok(m.copy_rate <= 1 / n, `${name} copy_rate ${m.copy_rate}`);
      assert.ok(
        m.copy_rate_feat <= 1 / n,
        `${name} copy_rate_feat ${m.copy_rate_feat}`,
      );
      assert.ok(
        m.nn_dist_ratio > 1,
        `${name} nn_dist_ratio ${m.nn_dist_ratio}`,
      );
    }
  } finally {
    disposeMemorisation(ref);
  }
  assert.equal(tf.memory().numTensors, before);
  evaluator.dispose();
});

/** A stand-in evaluator: a fixed random projection of the pixels to 16 values. */
function projectionEvaluator(pixels: number): EvaluatorNetwork {
  const projection = tf.randomNormal([pixels, 16], 0, 1, "float32", 3);
  return {
    id: "projection",
    checksum: "mnist-projection-test",
    predict: (images) =>
      tf.tidy(() => {
        const flat = tf.reshape(images, [images.shape[0], -1]);
        const features = tf.matMul(flat, projection) as tf.Tensor2D;
        return {
          features,
          probabilities: tf.softmax(features) as tf.Tensor2D,
        };
      }),
  };
}

Deno.test("memorisation on MNIST (whole 60,000-image train split): copies of images past index 50,000 are caught, blurred or noisy test images are not", async () => {
  const dataset = await loadDataset("mnist");
  const evaluator = projectionEvaluator(28 * 28);
  const ref = await prepareMemorisation(dataset, evaluator, 400);
  try {
    assert.equal(ref.factor, 4);
    const score = async (unit: tf.Tensor4D) => {
      const features = embed(evaluator, unit);
      try {
        return await memorisationMetrics(unit, features, ref);
      } finally {
        tf.dispose([unit, features]);
      }
    };
    // 100 copies of train images 50,000 … 59,999 among 300 noisy test images.
    const late = Array.from({ length: 100 }, (_, i) => 50_000 + 99 * i);
    const test = Array.from({ length: 400 }, (_, i) => 9_000 + i);
    const testUnit = unitImages(dataset, "test", test);
    const noisyUnit = tf.tidy(() =>
      tf.clipByValue(
        tf.add(testUnit, tf.randomNormal(testUnit.shape, 0, 0.1, "float32", 5)),
        0,
        1,
      )
    ) as tf.Tensor4D;
    const mixed = tf.tidy(() =>
      tf.concat([
        unitImages(dataset, "train", late),
        tf.slice(noisyUnit, 100, 300),
      ])
    ) as tf.Tensor4D;
    const copies = await score(unitImages(dataset, "train", late));
    // Features of a copy match its train features to float rounding only.
    assert.deepEqual([copies.copy_rate, copies.copy_rate_feat], [1, 1]);
    assert.ok(copies.nn_dist_ratio < 1e-4, `ratio ${copies.nn_dist_ratio}`);
    // Every copy caught; the 300 others may add the 1 % the threshold admits.
    const planted = await score(mixed);
    for (const rate of [planted.copy_rate, planted.copy_rate_feat]) {
      assert.ok(rate >= 0.25 && rate <= 0.25 + 3 / 400, `copy rate ${rate}`);
    }
    const noisy = await score(noisyUnit);
    const blurred = await score(blur(testUnit));
    testUnit.dispose();
    // Pixel space (the stand-in's features are not the evaluator's): the
    // threshold admits 1 % of real test images, 4 of 400.
    assert.ok(noisy.copy_rate <= 0.01, `noisy copy_rate ${noisy.copy_rate}`);
    assert.ok(
      blurred.copy_rate <= 0.01,
      `blurred copy_rate ${blurred.copy_rate}`,
    );
  } finally {
    disposeMemorisation(ref);
  }
});
