/**
 * Issue 17, item 2: the cached real-image features of an external evaluator
 * must follow its spec file: editing the output names, input size or input
 * range gives another checksum (so rows and `compare` tell the runs apart)
 * and new features, never the old cached ones.
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import * as tfl from "@tensorflow/tfjs-layers";
import { join } from "node:path";
import { assert } from "../_assert.ts";
import { cachedTestFeatures } from "../../src/evaluation/feature_cache.ts";
import { loadEvaluator } from "../../src/metrics/evaluators/load.ts";
import { saveLayersModel } from "../../src/metrics/evaluators/_io.ts";
import { externalEvaluator } from "../../src/matrix/external_evaluator.ts";
import { loadSynthetic } from "../../src/data/synthetic.ts";
import type { Evaluator } from "../../src/metrics/evaluators/types.ts";

await tf.setBackend("cpu");
await tf.ready();

/**
 * A grey model of any input size: conv → pool ("pool", 4-d) → "features"
 * (4-d) → "logits".
 */
function tinyModel(): tfl.LayersModel {
  const input = tfl.input({ shape: [null, null, 1] });
  const conv = tfl.layers.conv2d({
    filters: 4,
    kernelSize: 3,
    strides: 2,
    activation: "relu",
    kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }),
  }).apply(input) as tfl.SymbolicTensor;
  const pool = tfl.layers.globalAveragePooling2d({ name: "pool" })
    .apply(conv) as tfl.SymbolicTensor;
  const features = tfl.layers.dense({
    units: 4,
    activation: "tanh",
    kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }),
    name: "features",
  }).apply(pool) as tfl.SymbolicTensor;
  const logits = tfl.layers.dense({
    units: 3,
    kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }),
    name: "logits",
  }).apply(features) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: logits });
}

/** Writes the evaluator spec file and loads it as `bench` does. */
async function load(
  file: string,
  settings: Record<string, unknown>,
): Promise<Evaluator> {
  await Deno.writeTextFile(
    file,
    JSON.stringify({ path: "model.json", ...settings }),
  );
  return await loadEvaluator(await externalEvaluator(file));
}

async function cacheFiles(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) names.push(e.name);
  return names.sort();
}

Deno.test("feature cache: editing the evaluator spec gives another checksum and fresh features", async () => {
  const root = await Deno.makeTempDir({ prefix: "ganbench-fcache-" });
  try {
    const model = tinyModel();
    await saveLayersModel(model, root);
    model.dispose();
    const file = join(root, "evaluator.json");
    const cacheDir = join(root, "cache");
    const dataset = loadSynthetic({ testCount: 32 });
    const base = {
      featureOutput: "features",
      logitsOutput: "logits",
      inputSize: [16, 16],
    };
    const edits: Record<string, unknown>[] = [
      { ...base, inputRange: [0, 1] },
      { ...base, inputSize: [12, 12] },
      { ...base, featureOutput: "pool" },
      { ...base, logitsOutput: undefined, probabilitiesOutput: "logits" },
    ];

    const first = await load(file, base);
    const firstFeatures = await cachedTestFeatures(dataset, first, cacheDir);
    const checksums = new Set([first.checksum]);
    for (const [i, edit] of edits.entries()) {
      const ev = await load(file, edit);
      assert.equal(ev.id, first.id, "the id names the model file only");
      checksums.add(ev.checksum);
      const cached = await cachedTestFeatures(dataset, ev, cacheDir);
      const direct = await cachedTestFeatures(dataset, ev, undefined);
      assert.deepEqual(
        cached.dataSync(),
        direct.dataSync(),
        `${JSON.stringify(edit)}: features of the edited evaluator`,
      );
      assert.equal((await cacheFiles(cacheDir)).length, i + 2);
      tf.dispose([cached, direct]);
      ev.dispose();
    }
    // Also logits → probabilities, whose features are the same: IS and KID
    // read the probabilities, which differ.
    assert.equal(checksums.size, 1 + edits.length, "one checksum per setting");

    // Back to the first spec: its cache file is read again, bit for bit.
    const again = await load(file, base);
    assert.equal(again.checksum, first.checksum);
    const reread = await cachedTestFeatures(dataset, again, cacheDir);
    assert.deepEqual(reread.dataSync(), firstFeatures.dataSync());
    assert.equal((await cacheFiles(cacheDir)).length, 1 + edits.length);
    // Settings that do not change outputs keep the checksum.
    const same = await load(file, {
      ...base,
      inputSize: [16, 16, 1],
      inputRange: [-1, 1],
      batchSize: 7,
    });
    assert.equal(same.checksum, first.checksum);
    tf.dispose([firstFeatures, reread]);
    first.dispose();
    again.dispose();
    same.dispose();
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("feature cache: a cache file of another evaluator under this key is not used", async () => {
  const root = await Deno.makeTempDir({ prefix: "ganbench-fcache-" });
  try {
    const model = tinyModel();
    await saveLayersModel(model, root);
    model.dispose();
    const file = join(root, "evaluator.json");
    const cacheDir = join(root, "cache");
    const dataset = loadSynthetic({ testCount: 16 });
    const a = await load(file, {
      featureOutput: "features",
      inputSize: [16, 16],
    });
    const fa = await cachedTestFeatures(dataset, a, cacheDir);
    const [nameA] = await cacheFiles(cacheDir);
    const b = await load(file, { featureOutput: "pool", inputSize: [16, 16] });
    const fb = await cachedTestFeatures(dataset, b, cacheDir);
    const nameB = (await cacheFiles(cacheDir)).find((n) => n !== nameA)!;
    // Put a's features where b's belong: b recomputes instead of reading them.
    await Deno.copyFile(join(cacheDir, nameA), join(cacheDir, nameB));
    const fb2 = await cachedTestFeatures(dataset, b, cacheDir);
    assert.deepEqual(fb2.dataSync(), fb.dataSync());
    assert.notDeepEqual(fb2.dataSync(), fa.dataSync());
    tf.dispose([fa, fb, fb2]);
    a.dispose();
    b.dispose();
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
