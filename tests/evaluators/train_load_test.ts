import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { join } from "node:path";
import {
  assertClose,
  deepEqual,
  equal,
  match,
  notEqual,
  ok,
  rejects,
} from "../_assert.ts";
import { trainEvaluator } from "../../src/metrics/evaluators/train.ts";
import { loadEvaluator } from "../../src/metrics/evaluators/load.ts";
import { evaluatorChecksum } from "../../src/metrics/evaluators/checksum.ts";
import {
  ARCHITECTURES,
  buildClassifier,
} from "../../src/metrics/evaluators/architecture.ts";
import { saveLayersModel } from "../../src/metrics/evaluators/_io.ts";
import { md5Hex } from "../../src/data/checksum.ts";
import { loadDataset } from "../../src/data/registry.ts";
import { toImageTensor } from "../../src/data/tensor.ts";
import type { EvaluatorManifest } from "../../src/metrics/evaluators/types.ts";

await tf.setBackend("cpu");
await tf.ready();

const quiet = () => {};

/** The synthetic set used throughout (explicit, so loader defaults may change). */
const SYNTHETIC = {
  synthetic: { size: 8, channels: 1, trainCount: 512, testCount: 128, seed: 1 },
} as const;

/** The values of a tensor computed in a tidy scope (the tensor is disposed). */
function read(f: () => tf.Tensor): number | number[] {
  const t = tf.tidy(f);
  const v = t.arraySync() as number | number[];
  t.dispose();
  return v;
}

async function trainTiny(
  root: string,
  seed: number,
): Promise<EvaluatorManifest> {
  return await trainEvaluator({
    dataset: "synthetic",
    architecture: "tiny",
    epochs: 2,
    batchSize: 32,
    seed,
    learningRate: 1e-2,
    outDir: join(root, "synthetic"),
    evalEachEpoch: false,
    data: SYNTHETIC,
    log: quiet,
  });
}

Deno.test("trainEvaluator: writes model, weights and a consistent manifest; loads back with identical outputs", async () => {
  const root = await Deno.makeTempDir({ prefix: "ganbench-eval-" });
  try {
    const lines: string[] = [];
    const atStart = tf.memory().numTensors;
    const manifest = await trainEvaluator({
      dataset: "synthetic",
      architecture: "tiny",
      epochs: 2,
      batchSize: 32,
      seed: 3,
      learningRate: 1e-2,
      outDir: join(root, "synthetic"),
      id: "test-synthetic-s3",
      logEvery: 8,
      data: SYNTHETIC,
      log: (l) => lines.push(l),
    });
    equal(tf.memory().numTensors, atStart, "training leaves no tensors");
    const dir = join(root, "synthetic");
    const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    deepEqual(names, ["manifest.json", "model.json", "weights.bin"]);
    const onDisk = JSON.parse(
      Deno.readTextFileSync(join(dir, "manifest.json")),
    );
    deepEqual(onDisk, manifest);
    const weights = Deno.readFileSync(join(dir, "weights.bin"));
    equal(manifest.weightsMd5, md5Hex(weights));
    equal(manifest.weightsBytes, weights.length);
    equal(manifest.id, "test-synthetic-s3");
    equal(manifest.featureDim, 16);
    equal(manifest.numClasses, 4);
    deepEqual(manifest.inputShape, [8, 8, 1]);
    equal(manifest.trainedWith.steps, 2 * Math.floor(512 / 32));
    equal(manifest.trainedWith.backend, "cpu");
    // The synthetic shapes are easy: a few steps already beat chance (25 %).
    ok(manifest.testAccuracy > 0.5, `accuracy ${manifest.testAccuracy}`);
    ok(
      lines.some((l) => /^epoch 1\/2 step 8\/16 loss \d/.test(l)),
      lines.join("\n"),
    );
    ok(lines.some((l) => /^epoch 2\/2 done: loss .* test_acc /.test(l)));

    const before = tf.memory().numTensors;
    const ev = await loadEvaluator("synthetic", {
      weightsRoot: root,
      batchSize: 50,
    });
    equal(ev.id, "test-synthetic-s3");
    equal(ev.checksum, manifest.weightsMd5);
    equal(ev.featureDim, 16);
    equal(ev.numClasses, 4);
    const ds = await loadDataset("synthetic", SYNTHETIC);
    const x = toImageTensor(ds.test, [8, 8, 1]);
    const { features, probabilities } = ev.predict(x);
    deepEqual(features.shape, [128, 16]);
    deepEqual(probabilities.shape, [128, 4]);
    // Accuracy from the reloaded weights equals the recorded one exactly.
    const pred = read(() => tf.argMax(probabilities, 1)) as number[];
    let correct = 0;
    for (let i = 0; i < pred.length; i++) {
      if (pred[i] === ds.test.labels[i]) correct++;
    }
    equal(correct / 128, manifest.testAccuracy);
    // Rows sum to one; features are ReLU outputs.
    const sums = read(() => tf.sum(probabilities, 1)) as number[];
    for (const s of sums) assertClose(s, 1, 1e-5);
    ok((read(() => tf.min(features)) as number) >= 0);
    // features()/probabilities() agree with predict(), batched or not.
    const f2 = ev.features(x);
    const p2 = ev.probabilities(x);
    deepEqual(await f2.data(), await features.data());
    deepEqual(await p2.data(), await probabilities.data());
    // A second load gives identical outputs.
    const ev2 = await loadEvaluator("synthetic", { weightsRoot: root });
    const f3 = ev2.features(x);
    deepEqual(await f3.data(), await features.data());
    tf.dispose([x, features, probabilities, f2, p2, f3]);
    ev.dispose();
    ev2.dispose();
    equal(tf.memory().numTensors, before, "no tensors leak");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("trainEvaluator: same seed → same weights; another seed → different ones", async () => {
  const root = await Deno.makeTempDir({ prefix: "ganbench-eval-" });
  try {
    const a = await trainTiny(join(root, "a"), 7);
    const b = await trainTiny(join(root, "b"), 7);
    const c = await trainTiny(join(root, "c"), 8);
    equal(a.weightsMd5, b.weightsMd5);
    equal(a.testAccuracy, b.testAccuracy);
    notEqual(a.weightsMd5, c.weightsMd5);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("loadEvaluator: a changed weights file or a wrong manifest md5 is a one-line error naming the file", async () => {
  const root = await Deno.makeTempDir({ prefix: "ganbench-eval-" });
  try {
    await trainTiny(root, 1);
    const weightsPath = join(root, "synthetic", "weights.bin");
    const bytes = Deno.readFileSync(weightsPath);
    bytes[10] ^= 0xff;
    Deno.writeFileSync(weightsPath, bytes);
    await rejects(
      loadEvaluator("synthetic", { weightsRoot: root }),
      (e: Error) => {
        match(
          e.message,
          /weights\.bin: evaluator weights checksum mismatch: expected md5 [0-9a-f]{32}, found [0-9a-f]{32}$/,
        );
        ok(!e.message.includes("\n"));
        return true;
      },
    );
    await rejects(
      loadEvaluator("mnist", { weightsRoot: join(root, "nowhere") }),
      /nowhere\/mnist\/manifest\.json: not found/,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("trainEvaluator: bad options are one-line errors naming the flag", async () => {
  await rejects(
    trainEvaluator({ dataset: "synthetic", epochs: 0, log: quiet }),
    /--epochs 0: must be an integer ≥ 1/,
  );
  await rejects(
    trainEvaluator({ dataset: "synthetic", architecture: "huge", log: quiet }),
    /architecture "huge": unknown/,
  );
  await rejects(
    trainEvaluator({
      dataset: "synthetic",
      batchSize: 4096,
      log: quiet,
      data: SYNTHETIC,
    }),
    /--batch-size 4096: larger than the 512 training images/,
  );
});

Deno.test("saveLayersModel + loadEvaluator: a ganbench classifier's features and softmax match the in-memory model", async () => {
  const root = await Deno.makeTempDir({ prefix: "ganbench-eval-" });
  try {
    const model = buildClassifier({
      spec: ARCHITECTURES.tiny,
      inputShape: [8, 8, 3],
      numClasses: 5,
      seed: 11,
    });
    const saved = await saveLayersModel(model, root);
    const ev = await loadEvaluator({ path: join(root, "model.json") });
    equal(ev.id, "external:model.json");
    // The checksum covers the weights and the settings in effect.
    equal(
      ev.checksum,
      evaluatorChecksum(saved.weightsMd5, {
        featureOutput: "features",
        logitsOutput: "logits",
        probabilitiesOutput: null,
        inputShape: [8, 8, 3],
        inputRange: [-1, 1],
      }),
    );
    deepEqual(ev.inputShape, [8, 8, 3]);
    equal(ev.featureDim, 16);
    equal(ev.numClasses, 5);
    const x = tf.randomUniform(
      [6, 8, 8, 3],
      -1,
      1,
      "float32",
      5,
    ) as tf.Tensor4D;
    const want = tf.softmax(model.predict(x) as tf.Tensor2D);
    const got = ev.probabilities(x);
    deepEqual(await got.data(), await want.data());
    tf.dispose([x, want, got]);
    ev.dispose();
    model.dispose();
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
