/**
 * Tests of the evaluation suite and its parts: the fixed noise and labels,
 * the phase timer, the real-data preparation with its feature cache, and
 * one interval's metrics on the synthetic data set with a stand-in
 * evaluator (a fixed linear projection).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { assert } from "../_assert.ts";
import { loadDataset } from "../../src/data/registry.ts";
import { getLoss } from "../../src/losses/registry.ts";
import { getVariant } from "../../src/models/registry.ts";
import {
  balancedLabels,
  evalNoise,
  EvaluationSuite,
  nativeShape,
} from "../../src/evaluation/suite.ts";
import type { EvaluatorNetwork } from "../../src/evaluation/suite.ts";
import { phaseTimer } from "../../src/evaluation/phase_timer.ts";
import type { EvaluationSizes } from "../../src/spec/types.ts";
import { setupCpu } from "../models/_setup.ts";

await setupCpu();

const SIZES: EvaluationSizes = {
  nEval: 300,
  nEquilibrium: 100,
  nNeighbour: 40,
  nNeighbourPool: 200,
  nSsimPairs: 30,
  kidSubsets: 5,
  kidSubsetSize: 50,
  isSplits: 3,
  gridSize: 4,
};

/** Features: a fixed projection of the pixels; probabilities: 4 classes. */
function linearEvaluator(pixels: number, width = 6): EvaluatorNetwork {
  const projection = tf.randomNormal([pixels, width], 0, 1, "float32", 3);
  return {
    id: "linear",
    checksum: "0123",
    predict: (images) =>
      tf.tidy(() => {
        const flat = tf.reshape(images, [images.shape[0], -1]);
        const features = tf.matMul(flat, projection) as tf.Tensor2D;
        const logits = tf.slice(features, [0, 0], [-1, 4]);
        return { features, probabilities: tf.softmax(logits) as tf.Tensor2D };
      }),
  };
}

Deno.test("evalNoise: a row is the same whatever the chunking", () => {
  const whole = evalNoise(0, 520, 8);
  const part = evalNoise(240, 260, 8); // crosses a 250-row block
  const expected = tf.slice(whole, [240, 0], [20, 8]);
  assert.deepEqual(part.arraySync(), expected.arraySync());
  tf.dispose([whole, part, expected]);
});

Deno.test("balancedLabels: sample i is class i mod K", () => {
  const labels = balancedLabels(8, 13, 10);
  assert.deepEqual(Array.from(labels.dataSync()), [8, 9, 0, 1, 2]);
  labels.dispose();
});

Deno.test("phaseTimer: adds seconds per phase only when given timings", () => {
  const timings: Record<string, number> = {};
  const timer = phaseTimer(timings);
  assert.equal(timer.active, true);
  timer.lap("a");
  timer.lap("b");
  timer.lap("a");
  assert.deepEqual(Object.keys(timings), ["a", "b"]);
  assert.ok(timings.a >= 0 && timings.b >= 0);
  assert.equal(phaseTimer().active, false);
});

Deno.test("EvaluationSuite: sizes beyond the splits are refused", async () => {
  const dataset = await loadDataset("synthetic");
  const evaluator = linearEvaluator(16 * 16);
  await assert.rejects(
    () => EvaluationSuite.prepare(dataset, evaluator, { ...SIZES, nEval: 600 }),
    /^Error: nEval 600 exceeds the synthetic train split \(512\)$/,
  );
  await assert.rejects(
    () =>
      EvaluationSuite.prepare(dataset, evaluator, {
        ...SIZES,
        nEquilibrium: 200,
      }),
    /^Error: nEquilibrium 200 exceeds the synthetic split sizes \(512 train, 128 test\)$/,
  );
});

Deno.test("EvaluationSuite: FID from N ≤ d is refused before training, or computed with singularFid warn", async () => {
  const dataset = await loadDataset("synthetic");
  // d = 200 features; the 128 test images and nEval 150 are both ≤ d.
  const evaluator = linearEvaluator(16 * 16, 200);
  const sizes = { ...SIZES, nEval: 150, kidSubsetSize: 50 };
  await assert.rejects(
    () => EvaluationSuite.prepare(dataset, evaluator, sizes),
    /N = 150 \(first set\) and N = 128 \(second set\) ≤ feature dimension d = 200/,
  );
  const suite = await EvaluationSuite.prepare(dataset, evaluator, {
    ...sizes,
    singularFid: "warn",
  });
  assert.ok(Number.isFinite(suite.fidFloor));
  suite.dispose();
});

Deno.test("EvaluationSuite: nReal takes a fixed subset of the test split as the real reference", async () => {
  const dataset = await loadDataset("synthetic");
  const evaluator = linearEvaluator(16 * 16);
  const a = await EvaluationSuite.prepare(dataset, evaluator, {
    ...SIZES,
    nReal: 64,
  });
  const b = await EvaluationSuite.prepare(dataset, evaluator, {
    ...SIZES,
    nReal: 64,
  });
  const all = await EvaluationSuite.prepare(dataset, evaluator, SIZES);
  assert.equal(a.fidFloor, b.fidFloor);
  assert.notEqual(a.fidFloor, all.fidFloor);
  for (const s of [a, b, all]) s.dispose();
});

Deno.test("EvaluationSuite: one interval's metrics, cached real features, no leak", async () => {
  const dataset = await loadDataset("synthetic");
  const shape = nativeShape(dataset);
  assert.deepEqual(shape, { height: 16, width: 16, channels: 1 });
  const evaluator = linearEvaluator(16 * 16);
  const cacheDir = await Deno.makeTempDir();
  const variant = getVariant("cgan");
  const built = variant.build({
    shape,
    numClasses: dataset.numClasses,
    seed: 5,
    criticNorm: "none",
    widthMultiplier: 0.1,
    scope: "suite_test/",
  });
  try {
    const before = tf.memory().numTensors;
    const first = await EvaluationSuite.prepare(
      dataset,
      evaluator,
      SIZES,
      cacheDir,
    );
    const files = [...Deno.readDirSync(cacheDir)].map((e) => e.name).sort();
    assert.equal(files.length, 2); // test features, train features
    assert.match(files[0], /^features-synthetic-linear-[0-9a-f]{16}\.ckpt$/);
    assert.match(
      files[1],
      /^features-train-synthetic-linear-[0-9a-f]{16}\.ckpt$/,
    );
    const models = {
      step: 3,
      generator: built.generator,
      discriminator: built.discriminator,
      trainShape: shape,
      conditional: true,
      loss: "hinge" as const,
      dLoss: 1.5,
    };
    const timings: Record<string, number> = {};
    const metrics = await first.evaluate(models, timings);
    assert.deepEqual(Object.keys(timings).sort(), [
      "equilibrium",
      "features",
      "fid",
      "generate",
      "is",
      "kid",
      "memorisation",
      "nearest",
      "prdc",
      "ssim_div",
    ]);
    assert.deepEqual(Object.keys(metrics), [
      "fid",
      "is_mean",
      "is_std",
      "classes_covered",
      "class_kl",
      "label_acc",
      "kid_mean",
      "kid_std",
      "kid_se",
      "fid_floor",
      "fid_floor_std",
      "psnr_nn",
      "ssim_nn",
      "copy_rate",
      "copy_rate_feat",
      "nn_dist_ratio",
      "ssim_div",
      "ssim_div_real",
      "precision",
      "recall",
      "density",
      "coverage",
      "d_real",
      "d_fake",
      "d_auc",
      "d_auc_train",
      "eq_gap",
      "w_estimate",
      "d_loss_gap",
    ]);
    assert.equal(metrics.fid_floor, first.fidFloor);
    assert.equal(metrics.ssim_div_real, first.ssimDivRealSameClass);
    assert.equal(metrics.d_loss_gap, 1.5 - getLoss("hinge").equilibriumDLoss);
    const grid = await first.grid(built.generator, true);
    first.dispose();
    assert.equal(tf.memory().numTensors, before);

    // The second suite reads the cached test features: same statistics.
    const second = await EvaluationSuite.prepare(
      dataset,
      evaluator,
      SIZES,
      cacheDir,
    );
    assert.deepEqual(second.realStats, first.realStats);
    assert.deepEqual(await second.evaluate(models), metrics);
    assert.deepEqual(await second.grid(built.generator, true), grid);
    second.dispose();
  } finally {
    built.generator.dispose();
    built.discriminator.dispose();
    await Deno.remove(cacheDir, { recursive: true });
  }
});
