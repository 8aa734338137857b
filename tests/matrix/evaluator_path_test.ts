/**
 * Issue 17, item 1: an external evaluator named by a path with `/` (the
 * README's `models/inception/evaluator.json`) must round-trip through the
 * manifest, so that a rerun, `report`, `compare` and `merge` of such a run
 * work, with `--jobs` 1 and 2.
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import * as tfl from "@tensorflow/tfjs-layers";
import { join } from "node:path";
import { assert } from "../_assert.ts";
import { main } from "../../src/cli/main.ts";
import { mergeRuns } from "../../src/matrix/merge.ts";
import {
  newManifest,
  readManifest,
  writeManifest,
} from "../../src/results/manifest.ts";
import { readCsv } from "../../src/results/csv.ts";
import { saveLayersModel } from "../../src/metrics/evaluators/_io.ts";
import { tinySpec } from "./_helpers.ts";

const EVALUATOR = "models/inception/evaluator.json";

Deno.test("manifest: an evaluator path with '/' round-trips through write and read", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const spec = tinySpec({
      overrides: [{ match: {}, set: { evaluator: EVALUATOR } }],
    });
    const m = newManifest(spec);
    m.cells["mnist-mlp-ns-s0"] = { status: "finished", step: 10 };
    await writeManifest(dir, m);
    const back = await readManifest(dir);
    assert.deepEqual(back, m);
    // Merging two such runs works too.
    const out = join(dir, "merged");
    const result = await mergeRuns([dir], out);
    assert.equal(result.counts.finished, 1);
    assert.deepEqual(await readManifest(out), m);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("manifest: an evaluator setting that is empty or not a string is still refused", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const bad of ["", 3, "a\nb"]) {
      const m = newManifest(tinySpec());
      (m.spec.overrides as unknown[]).push({
        match: {},
        set: { evaluator: bad },
      });
      await writeManifest(dir, m);
      await assert.rejects(readManifest(dir), /evaluator: expected/);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** A 16×16 grey layers model with `features` (6-d) and `logits` (3). */
async function writeTinyEvaluator(dir: string): Promise<void> {
  await tf.setBackend("cpu");
  const input = tfl.input({ shape: [16, 16, 1] });
  const conv = tfl.layers.conv2d({
    filters: 4,
    kernelSize: 3,
    strides: 2,
    activation: "relu",
    kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }),
  }).apply(input) as tfl.SymbolicTensor;
  const pool = tfl.layers.globalAveragePooling2d({}).apply(conv);
  const features = tfl.layers.dense({
    units: 6,
    activation: "tanh",
    kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }),
    name: "features",
  }).apply(pool) as tfl.SymbolicTensor;
  const logits = tfl.layers.dense({
    units: 3,
    kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }),
    name: "logits",
  }).apply(features) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: logits });
  await saveLayersModel(model, dir);
  model.dispose();
  await Deno.writeTextFile(
    join(dir, "evaluator.json"),
    JSON.stringify({
      path: "model.json",
      featureOutput: "features",
      logitsOutput: "logits",
    }),
  );
}

Deno.test("bench --evaluator <dir>/evaluator.json: rerun, report, compare and merge work, --jobs 1 and 2", async () => {
  // Inside the working directory, as in the README (children may read ".").
  await Deno.mkdir(".cache", { recursive: true });
  const root = await Deno.makeTempDir({
    dir: ".cache",
    prefix: "test-evaluator-path-",
  });
  try {
    const evDir = join(root, "models", "tiny");
    await writeTinyEvaluator(evDir);
    const evaluator = join(evDir, "evaluator.json");
    assert.ok(evaluator.includes("/"));
    const specPath = join(root, "spec.json");
    await Deno.writeTextFile(
      specPath,
      JSON.stringify({
        name: "evaluator-path",
        datasets: ["synthetic"],
        variants: ["mlp"],
        losses: ["ns", "hinge"],
        seeds: [0],
        defaults: {
          steps: 2,
          batchSize: 8,
          evalEvery: 2,
          checkpointEvery: 2,
          nEval: 16,
          nEquilibrium: 8,
          nNeighbour: 4,
          nNeighbourPool: 32,
          nSsimPairs: 4,
          kidSubsets: 2,
          kidSubsetSize: 8,
          isSplits: 2,
          gridSize: 2,
          singularFid: "warn",
        },
      }),
    );
    const bench = (out: string, jobs: string) =>
      main([
        "bench",
        "--profile",
        specPath,
        "--backend",
        "cpu",
        "--evaluator",
        evaluator,
        "--jobs",
        jobs,
        "--out",
        out,
      ]);
    const one = join(root, "one");
    assert.equal(await bench(one, "1"), 0);
    const manifest = await readManifest(one);
    assert.equal(Object.keys(manifest!.cells).length, 2);
    const rows = readCsv(join(one, "metrics.csv"));
    const col = rows.columns.indexOf("evaluator");
    assert.deepEqual(rows.rows.map((r) => r[col]), [
      "external:model.json",
      "external:model.json",
    ]);
    const before = await Deno.readTextFile(join(one, "metrics.csv"));
    assert.equal(await bench(one, "1"), 0, "the rerun resumes (skips all)");
    assert.equal(await Deno.readTextFile(join(one, "metrics.csv")), before);
    assert.equal(await main(["report", one, "--formats", "md"]), 0);
    assert.equal(await main(["compare", one, one, "--n1", "warn"]), 0);
    assert.equal(await main(["merge", one, "--out", join(root, "m")]), 0);

    const two = join(root, "two");
    assert.equal(await bench(two, "2"), 0);
    assert.equal(
      Object.values((await readManifest(two))!.cells)
        .filter((c) => c.status === "finished").length,
      2,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
