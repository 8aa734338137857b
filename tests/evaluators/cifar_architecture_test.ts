/**
 * Tests of the CIFAR-10 evaluator recipe: the airbench-style architecture
 * (patch-whitening stem, pool-after-first-conv blocks, global max pooling),
 * its whitening weights, the SGD one-cycle schedule, and training with SGD,
 * label smoothing and weight decay end to end.
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import * as tfl from "@tensorflow/tfjs-layers";
import { join } from "node:path";
import {
  assertClose,
  deepEqual,
  equal,
  ok,
  rejects,
  throws,
} from "../_assert.ts";
import {
  ARCHITECTURES,
  type ArchitectureSpec,
  buildClassifier,
  setWhiteningWeights,
  WHITEN_LAYER,
} from "../../src/metrics/evaluators/architecture.ts";
import {
  scheduleFactor,
  SGD_WARMUP,
} from "../../src/metrics/evaluators/optimizer.ts";
import { trainEvaluator } from "../../src/metrics/evaluators/train.ts";
import { trainEvaluatorCommand } from "../../src/cli/train_evaluator.ts";
import { UsageError } from "../../src/cli/_args.ts";
import { mulberry32 } from "../../src/util/random.ts";
import { loadDataset } from "../../src/data/registry.ts";
import { toImageTensor } from "../../src/data/tensor.ts";
import { readModel } from "../../src/metrics/evaluators/_io.ts";

await tf.setBackend("cpu");
await tf.ready();

const quiet = () => {};

/** The cifar recipe at toy widths. */
const SMALL_FAST: ArchitectureSpec = {
  ...ARCHITECTURES.cifar,
  name: "small-fast",
  blocks: [[4, 4], [8, 8]],
  featureDim: 8,
};

/** n seeded 8×8×3 images whose channels are correlated (as in photographs). */
function correlatedImages(n: number, seed: number): Float32Array {
  const rng = mulberry32(seed);
  const out = new Float32Array(n * 8 * 8 * 3);
  for (let p = 0; p < n * 64; p++) {
    const shared = rng() * 2 - 1;
    out[3 * p] = 0.8 * shared + 0.2 * (rng() * 2 - 1);
    out[3 * p + 1] = 0.5 * shared + 0.3 * (rng() * 2 - 1);
    out[3 * p + 2] = 0.1 * (rng() * 2 - 1);
  }
  return out;
}

Deno.test("buildClassifier(cifar): whitening stem, pooling after the first conv, global max pool", () => {
  const model = buildClassifier({
    spec: ARCHITECTURES.cifar,
    inputShape: [32, 32, 3],
    numClasses: 10,
    seed: 1,
  });
  try {
    deepEqual(model.getLayer(WHITEN_LAYER).outputShape, [null, 31, 31, 24]);
    equal(model.getLayer(WHITEN_LAYER).trainable, false);
    deepEqual(model.getLayer("block1_pool").outputShape, [null, 15, 15, 32]);
    deepEqual(model.getLayer("block1_conv2").outputShape, [null, 15, 15, 32]);
    deepEqual(model.getLayer("block3_conv2").outputShape, [null, 3, 3, 128]);
    deepEqual(model.getLayer("global_pool").outputShape, [null, 128]);
    deepEqual(model.getLayer("features").outputShape, [null, 256]);
    // Only the stem (kernel + bias) is frozen.
    equal(
      model.weights.length - model.trainableWeights.length,
      2 + 2 * 6, // stem + the moving mean/variance of 6 batch norms
    );
  } finally {
    model.dispose();
  }
});

Deno.test("buildClassifier: weightDecay adds ½·wd·Σw² of the kernels to the model's losses", () => {
  const model = buildClassifier({
    spec: SMALL_FAST,
    inputShape: [8, 8, 3],
    numClasses: 4,
    seed: 2,
    weightDecay: 0.01,
  });
  try {
    const kernels = model.trainableWeights
      .filter((w) => /(conv\d|features|logits)\/kernel/.test(w.originalName));
    equal(kernels.length, 6);
    const expected = kernels.reduce(
      (s, w) => s + (tf.sum(tf.square(w.read())).arraySync() as number),
      0,
    ) * 0.005;
    // The regularisation terms trainOnBatch adds to the loss.
    const losses = model.calculateLosses() as tf.Scalar[];
    equal(losses.length, 6);
    const total = losses.reduce((s, l) => s + (l.arraySync() as number), 0);
    tf.dispose(losses);
    assertClose(total, expected, 1e-5 * expected);
  } finally {
    model.dispose();
  }
});

Deno.test("setWhiteningWeights: 2×2 patches come out white, the second 12 filters are the negated first", () => {
  const model = buildClassifier({
    spec: SMALL_FAST,
    inputShape: [8, 8, 3],
    numClasses: 4,
    seed: 3,
  });
  try {
    const pixels = correlatedImages(200, 4);
    setWhiteningWeights(model, pixels, [8, 8, 3], 1e-9);
    const stem = tfl.model({
      inputs: model.inputs,
      outputs: model.getLayer(WHITEN_LAYER).output as tfl.SymbolicTensor,
    });
    const out = tf.tidy(() => {
      const y = stem.predict(tf.tensor4d(pixels, [200, 8, 8, 3])) as tf.Tensor;
      return tf.reshape(y, [-1, 24]) as tf.Tensor2D;
    });
    const rows = out.shape[0];
    const first = tf.slice(out, [0, 0], [rows, 12]);
    const second = tf.slice(out, [0, 12], [rows, 12]);
    const covariance = tf.tidy(() => {
      const centred = tf.sub(first, tf.mean(first, 0));
      return tf.div(tf.matMul(centred, centred, true), rows - 1);
    });
    const c = covariance.arraySync() as number[][];
    for (let i = 0; i < 12; i++) {
      for (let j = 0; j < 12; j++) {
        assertClose(c[i][j], i === j ? 1 : 0, 2e-3, `cov[${i}][${j}]`);
      }
    }
    const sum = tf.tidy(() => tf.max(tf.abs(tf.add(first, second))));
    ok((sum.arraySync() as number) < 1e-5);
    tf.dispose([out, first, second, covariance, sum]);
    throws(
      () => setWhiteningWeights(model, new Float32Array(100), [8, 8, 3]),
      /100 values are not whole 8×8×3 images/,
    );
  } finally {
    model.dispose();
  }
});

Deno.test("scheduleFactor: sgd rises linearly to 1 then falls linearly to 0; adam is a cosine to 2 %", () => {
  const total = 100;
  const peak = SGD_WARMUP * total; // 20
  assertClose(scheduleFactor("sgd", 0, total), 1 / peak, 1e-12);
  assertClose(scheduleFactor("sgd", 9, total), 10 / peak, 1e-12);
  equal(scheduleFactor("sgd", 19, total), 1);
  equal(scheduleFactor("sgd", 20, total), 1);
  assertClose(scheduleFactor("sgd", 60, total), 0.5, 1e-12);
  assertClose(scheduleFactor("sgd", 99, total), 1 / 80, 1e-12);
  equal(scheduleFactor("adam", 0, total), 1);
  assertClose(scheduleFactor("adam", 50, total), 0.51, 1e-12);
  assertClose(scheduleFactor("adam", 100, total), 0.02, 1e-12);
});

Deno.test("trainEvaluator(cifar recipe): sgd + label smoothing + weight decay learn, keep the stem frozen, and are deterministic", async () => {
  const root = await Deno.makeTempDir({ prefix: "ganbench-eval-" });
  const data = {
    synthetic: {
      size: 8,
      channels: 3,
      trainCount: 512,
      testCount: 128,
      seed: 5,
    },
  } as const;
  const lines: string[] = [];
  const train = (dir: string) =>
    trainEvaluator({
      dataset: "synthetic",
      architecture: SMALL_FAST,
      optimizer: "sgd",
      learningRate: 0.1,
      labelSmoothing: 0.2,
      weightDecay: 5e-4,
      epochs: 3,
      batchSize: 32,
      seed: 9,
      outDir: join(root, dir),
      evalEachEpoch: false,
      data,
      log: (l) => lines.push(l),
    });
  try {
    const atStart = tf.memory().numTensors;
    const a = await train("a");
    const b = await train("b");
    equal(tf.memory().numTensors, atStart, "training leaves no tensors");
    equal(a.weightsMd5, b.weightsMd5);
    equal(a.trainedWith.optimizer, "sgd");
    equal(a.trainedWith.labelSmoothing, 0.2);
    equal(a.trainedWith.weightDecay, 5e-4);
    equal(a.trainedWith.architecture, "small-fast");
    // One-cycle: the last step's rate is 1/(steps after the peak) of the peak.
    const steps = 3 * (512 / 32);
    equal(a.trainedWith.steps, steps);
    assertClose(
      a.trainedWith.finalLearningRate,
      0.1 / (steps - SGD_WARMUP * steps),
      1e-12,
    );
    // It learns: the last epoch's training accuracy is far above chance
    // (25 %). Test accuracy after 48 steps is not, as the batch norms'
    // moving statistics (momentum 0.99) have not caught up yet.
    const last = lines.find((l) => l.startsWith("epoch 3/3 done"));
    const trainAcc = Number(/ acc ([\d.]+)/.exec(last ?? "")?.[1]);
    ok(trainAcc > 0.6, `epoch 3 training accuracy ${trainAcc}: ${last}`);
    // The saved stem equals whitening weights computed afresh from the same
    // training images: training left the frozen stem alone.
    const ds = await loadDataset("synthetic", data);
    const idx = Int32Array.from({ length: 512 }, (_, i) => i);
    const pixels = tf.tidy(() => toImageTensor(ds.train, [8, 8, 3], idx));
    const fresh = buildClassifier({
      spec: SMALL_FAST,
      inputShape: [8, 8, 3],
      numClasses: 4,
      seed: 9,
    });
    setWhiteningWeights(fresh, pixels.dataSync() as Float32Array, [8, 8, 3]);
    const expected = fresh.getLayer(WHITEN_LAYER).getWeights()[0];
    const saved = await readModel(join(root, "a", "model.json"));
    const savedWeights = tf.io.decodeWeights(
      saved.artifacts.weightData!,
      saved.artifacts.weightSpecs!,
    );
    deepEqual(
      savedWeights[`${WHITEN_LAYER}/kernel`].dataSync(),
      expected.dataSync(),
    );
    tf.dispose(Object.values(savedWeights));
    tf.dispose(pixels);
    fresh.dispose();
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("train-evaluator CLI: bad optimiser or learning rate is a usage error", async () => {
  await rejects(
    trainEvaluatorCommand.run(["--optimizer", "rmsprop"]),
    UsageError,
  );
  await rejects(
    trainEvaluatorCommand.run(["--learning-rate", "fast"]),
    UsageError,
  );
  await rejects(
    trainEvaluator({ dataset: "synthetic", labelSmoothing: 1, log: quiet }),
    /--label-smoothing 1: must be in \[0, 1\)/,
  );
});
