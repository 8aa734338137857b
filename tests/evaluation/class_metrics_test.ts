/**
 * The class metrics of an interval (`classes_covered`, `class_kl`,
 * `label_acc`): known values from given probabilities, the real class
 * histogram kept with the cached test features, and whole intervals on the
 * synthetic data set with its shipped evaluator, where stand-in generators
 * that draw real test images give exact values (a conditional one that
 * draws the requested class, an unconditional one that draws every class,
 * one that collapses onto a single class). The rows are written with the
 * `metrics.csv` header: `label_acc` is empty for an unconditional variant.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { assert, assertClose } from "../_assert.ts";
import { loadDataset } from "../../src/data/registry.ts";
import type { Dataset } from "../../src/data/types.ts";
import { classMetrics } from "../../src/evaluation/class_metrics.ts";
import { prepareRealData } from "../../src/evaluation/real_data.ts";
import { EvaluationSuite, nativeShape } from "../../src/evaluation/suite.ts";
import type { IntervalMetrics } from "../../src/evaluation/suite.ts";
import { loadEvaluator } from "../../src/metrics/evaluators/load.ts";
import { getVariant } from "../../src/models/registry.ts";
import type { Generator } from "../../src/models/types.ts";
import { betterOf, METRICS_COLUMN_NAMES } from "../../src/results/columns.ts";
import { csvRecords, CsvWriter, readCsv } from "../../src/results/csv.ts";
import { readCheckpoint, writeCheckpoint } from "../../src/train/checkpoint.ts";
import { imagesAt } from "../../src/train/real_batch.ts";
import type { EvaluationSizes } from "../../src/spec/types.ts";
import { setupCpu } from "../models/_setup.ts";

await setupCpu();

// nEval ≤ one evaluation chunk (250), so a stand-in's row i is fake i.
// The 128 test images are ≤ the evaluator's d = 128: FID needs "warn".
const SIZES: EvaluationSizes = {
  nEval: 200,
  nEquilibrium: 64,
  nNeighbour: 20,
  nNeighbourPool: 100,
  nSsimPairs: 20,
  kidSubsets: 4,
  kidSubsetSize: 50,
  isSplits: 2,
  gridSize: 2,
  singularFid: "warn",
};

Deno.test("classMetrics: known values; label_acc only for conditional fakes of the data set's classes", async () => {
  // Six fakes; conditional ones asked for 0, 1, 2, 0, 1, 2.
  const p = tf.tensor2d([
    [0.8, 0.1, 0.1],
    [0.1, 0.8, 0.1],
    [0.1, 0.1, 0.8],
    [0.8, 0.1, 0.1],
    [0.6, 0.3, 0.1],
    [0.6, 0.3, 0.1],
  ]);
  const real = [10, 10, 10];
  const uncond = await classMetrics(p, real, 3, false);
  // Predicted 0, 1, 2, 0, 0, 0: p = (4, 1, 1)/6; threshold 6/12: all three.
  assert.deepEqual(Object.keys(uncond), ["classes_covered", "class_kl"]);
  assert.equal(uncond.classes_covered, 3);
  const expectedKl = (4 / 6) * Math.log(2) + 2 * (1 / 6) * Math.log(0.5);
  assertClose(uncond.class_kl, expectedKl, 1e-12);
  const cond = await classMetrics(p, real, 3, true);
  assert.equal(cond.label_acc, 4 / 6);
  assert.equal(cond.class_kl, uncond.class_kl);
  // An evaluator with other classes than the data set's: no label_acc.
  assert.equal((await classMetrics(p, real, 10, true)).label_acc, undefined);
  await assert.rejects(
    () => classMetrics(p, [1, 1], 3, false),
    /^Error: class metrics: the real class histogram has 2 classes, the evaluator's probabilities 3$/,
  );
  p.dispose();
});

Deno.test("columns: classes_covered and label_acc improve upwards, class_kl downwards", () => {
  assert.deepEqual(
    ["classes_covered", "class_kl", "label_acc"].map(betterOf),
    ["higher", "lower", "higher"],
  );
});

/** The true class counts of the test split. */
function testLabelCounts(dataset: Dataset): number[] {
  const counts = new Array<number>(dataset.numClasses).fill(0);
  for (const label of dataset.test.labels) counts[label]++;
  return counts;
}

Deno.test("prepareRealData: the real class histogram is cached with the features; an old cache without it is recomputed", async () => {
  const dataset = await loadDataset("synthetic");
  const evaluator = await loadEvaluator("synthetic");
  const cacheDir = await Deno.makeTempDir();
  try {
    // The shipped evaluator classifies every synthetic test image right.
    const expected = testLabelCounts(dataset);
    const first = await prepareRealData(dataset, evaluator, SIZES, cacheDir);
    assert.deepEqual(first.realClassCounts, expected);
    // The test-feature file (the train features of memorisation sit beside it).
    const [file] = [...Deno.readDirSync(cacheDir)]
      .filter((e) => !e.name.startsWith("features-train-"))
      .map((e) => `${cacheDir}/${e.name}`);
    const stored = (await readCheckpoint(file))!;
    assert.deepEqual(stored.state.classCounts, expected);
    // A cache file written before the counts were kept: recomputed.
    const { classCounts: _dropped, ...oldState } = stored.state;
    await writeCheckpoint(file, { ...stored, state: oldState });
    tf.dispose(stored.tensors.map((t) => t.tensor));
    const second = await prepareRealData(dataset, evaluator, SIZES, cacheDir);
    assert.deepEqual(second.realClassCounts, expected);
    const rewritten = (await readCheckpoint(file))!;
    assert.deepEqual(rewritten.state.classCounts, expected);
    tf.dispose(rewritten.tensors.map((t) => t.tensor));
    for (const r of [first, second]) tf.dispose([r.testFeatures, r.pool]);
  } finally {
    evaluator.dispose();
    await Deno.remove(cacheDir, { recursive: true });
  }
});

/**
 * A stand-in generator that draws real test images: of the requested class
 * (conditional), else of `classOf(row)`.
 */
function realImageGenerator(
  dataset: Dataset,
  classOf: (row: number) => number,
): Generator {
  // The first test image of each class.
  const first = Array.from(
    { length: dataset.numClasses },
    (_, c) => dataset.test.labels.indexOf(c),
  );
  return {
    zDim: 4,
    variables: [],
    trainableVariables: [],
    keys: [],
    dispose: () => {},
    apply: (z, labels) => {
      const n = z.shape[0];
      const classes = labels
        ? Array.from(labels.dataSync())
        : Array.from({ length: n }, (_, i) => classOf(i));
      return imagesAt(
        dataset,
        dataset.test,
        classes.map((c) => first[c]),
        nativeShape(dataset),
      );
    },
  };
}

/** One interval of a stand-in generator, D from a small built variant. */
async function evaluateWith(
  suite: EvaluationSuite,
  dataset: Dataset,
  generator: Generator,
  conditional: boolean,
): Promise<IntervalMetrics> {
  const built = getVariant(conditional ? "cgan" : "mlp").build({
    shape: nativeShape(dataset),
    numClasses: dataset.numClasses,
    seed: 5,
    criticNorm: "none",
    widthMultiplier: 0.1,
    scope: `class_metrics_test/${conditional}/`,
  });
  try {
    return await suite.evaluate({
      step: 1,
      generator,
      discriminator: built.discriminator,
      trainShape: nativeShape(dataset),
      conditional,
      loss: "ns",
      dLoss: 1,
    });
  } finally {
    built.generator.dispose();
    built.discriminator.dispose();
  }
}

Deno.test("EvaluationSuite: class metrics of stand-in generators on synthetic, written as metrics.csv rows", async () => {
  const dataset = await loadDataset("synthetic");
  const evaluator = await loadEvaluator("synthetic");
  const suite = await EvaluationSuite.prepare(dataset, evaluator, SIZES);
  const k = dataset.numClasses;
  const csvPath = await Deno.makeTempFile({ suffix: ".csv" });
  try {
    // The test split is balanced and classified right, so the real
    // histogram is uniform and the values below are exact.
    assert.deepEqual(testLabelCounts(dataset), new Array(k).fill(32));
    const perfect = await evaluateWith(
      suite,
      dataset,
      realImageGenerator(dataset, () => 0),
      true,
    );
    assert.equal(perfect.classes_covered, k);
    assert.equal(perfect.class_kl, 0);
    assert.equal(perfect.label_acc, 1);

    const everyClass = await evaluateWith(
      suite,
      dataset,
      realImageGenerator(dataset, (i) => i % k),
      false,
    );
    assert.equal(everyClass.classes_covered, k);
    assert.equal(everyClass.class_kl, 0);
    assert.equal("label_acc" in everyClass, false);

    const collapsed = await evaluateWith(
      suite,
      dataset,
      realImageGenerator(dataset, () => 2),
      false,
    );
    assert.equal(collapsed.classes_covered, 1);
    assertClose(collapsed.class_kl, Math.log(k), 1e-12);
    assert.equal("label_acc" in collapsed, false);

    // As metrics.csv rows (an unknown metric name would throw here).
    const writer = CsvWriter.open(csvPath, METRICS_COLUMN_NAMES);
    for (const [cell, m] of [["cond", perfect], ["uncond", collapsed]]) {
      writer.append({ cell: cell as string, ...(m as IntervalMetrics) });
    }
    writer.close();
    const [cond, uncond] = csvRecords(readCsv(csvPath));
    assert.deepEqual(
      [cond.classes_covered, cond.class_kl, cond.label_acc],
      ["4", "0", "1"],
    );
    assert.equal(uncond.classes_covered, "1");
    assertClose(Number(uncond.class_kl), Math.log(k), 1e-12);
    assert.equal(uncond.label_acc, "");
  } finally {
    suite.dispose();
    evaluator.dispose();
    await Deno.remove(csvPath);
  }
});
