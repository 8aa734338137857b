/**
 * Batch and evaluation sizes against the data set splits, checked with the
 * spec before anything loads (issue 17: the batch-size check used to run
 * only once the data set was loaded).
 */
import { assert } from "../_assert.ts";
import { findSplitSizeProblems } from "../../src/spec/split_sizes.ts";
import { validateCells } from "../../src/spec/validate.ts";
import { expandSpec } from "../../src/spec/expand.ts";
import { DATASET_REGISTRY } from "../../src/data/registry.ts";
import { loadSynthetic } from "../../src/data/synthetic.ts";
import { tinySpec, ZOO } from "../matrix/_helpers.ts";

const splits = { train: 100, test: 20 };

Deno.test("findSplitSizeProblems: each oversized setting once, naming the first cell", () => {
  const cells = expandSpec(tinySpec({
    defaults: {
      steps: 10,
      evalEvery: 5,
      checkpointEvery: 5,
      batchSize: 100, // fits exactly
      nEval: 101,
      nEquilibrium: 21,
    },
  }));
  assert.deepEqual(findSplitSizeProblems(cells, () => splits), [
    "mnist-mlp-ns-s0 and 7 more cells: nEval 101 exceeds the mnist train split (100 images)",
    "mnist-mlp-ns-s0 and 7 more cells: nEquilibrium 21 exceeds the mnist test split (20 images)",
  ]);
  assert.deepEqual(findSplitSizeProblems(cells, () => undefined), []);
  const big = expandSpec(tinySpec({
    seeds: [0],
    variants: ["mlp"],
    losses: ["ns"],
    defaults: { batchSize: 101, nEval: 10, nEquilibrium: 10 },
  }));
  assert.deepEqual(findSplitSizeProblems(big, () => splits), [
    "mnist-mlp-ns-s0: batchSize 101 exceeds the mnist train split (100 images)",
  ]);
});

Deno.test("validateCells: with splitSizes, oversized settings are problems", () => {
  const cells = expandSpec(tinySpec({
    defaults: { batchSize: 70000, nEval: 100, nEquilibrium: 10 },
  }));
  validateCells(cells, ZOO); // not checked without splitSizes
  assert.throws(
    () =>
      validateCells(cells, {
        ...ZOO,
        splitSizes: (id) =>
          id === "mnist" ? DATASET_REGISTRY.mnist.splits : undefined,
      }),
    /batchSize 70000 exceeds the mnist train split \(60000 images\)/,
  );
});

Deno.test("DATASET_REGISTRY splits: the synthetic data set has the sizes the registry states", () => {
  const ds = loadSynthetic();
  assert.deepEqual(DATASET_REGISTRY.synthetic.splits, {
    train: ds.train.count,
    test: ds.test.count,
  });
});
