/**
 * Deterministic training of ganbench's evaluator classifiers: seeded
 * initialisation, seeded shuffling ({@linkcode BatchSampler}), seeded
 * augmentation; Adam with cosine learning-rate decay, or (CIFAR-10) Nesterov
 * SGD with a one-cycle schedule, label smoothing and weight decay. Writes the
 * weights in the TF.js layers format (`model.json` + `weights.bin`, atomically) and a
 * `manifest.json` with the test accuracy and the weights' md5.
 *
 * The caller initialises the backend first (`initBackend("wasm")` from
 * `src/backend/`, whose extra wasm kernels make convnet training possible
 * there). The same seed on the same backend gives the same weights.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { join } from "node:path";
import { loadDataset } from "../../data/registry.ts";
import { BatchSampler, fixedSubset } from "../../data/sampler.ts";
import { toImageTensor } from "../../data/tensor.ts";
import type { DatasetId, LoadOptions, Split } from "../../data/types.ts";
import { mulberry32 } from "../../util/random.ts";
import { augmentedBatch } from "./_augment.ts";
import { MANIFEST_FILE, saveLayersModel, writeFileAtomic } from "./_io.ts";
import {
  architectureByName,
  type ArchitectureSpec,
  buildClassifier,
  defaultArchitecture,
  FEATURE_LAYER,
  LOGITS_LAYER,
  setWhiteningWeights,
} from "./architecture.ts";
import { defaultWeightsDir, evaluatorIdFor } from "./paths.ts";
import type { Augmentation, EvaluatorManifest, ImageShape3 } from "./types.ts";

/** Options of {@linkcode trainEvaluator}. */
export interface TrainEvaluatorOptions {
  /** The data set to train on. */
  dataset: DatasetId;
  /** Passes over the training images (default {@linkcode DEFAULT_EPOCHS}, else 3). */
  epochs?: number;
  /** Images per step (default 128). */
  batchSize?: number;
  /** Seed of initialisation, shuffling and augmentation (default 1). */
  seed?: number;
  /**
   * Output directory for `model.json`, `weights.bin`, `manifest.json`
   * (default `src/metrics/evaluators/weights/<dataset>/`).
   */
  outDir?: string;
  /**
   * Optimiser (default {@linkcode DEFAULT_OPTIMIZER}: `sgd` for CIFAR-10,
   * else `adam`). `adam`: cosine decay from `learningRate` to 2 % of it.
   * `sgd`: Nesterov momentum 0.9, learning rate rising linearly from 0 to
   * `learningRate` over the first {@linkcode SGD_WARMUP} of the steps, then
   * falling linearly to 0 (one-cycle).
   */
  optimizer?: EvaluatorOptimizer;
  /** Peak learning rate (default 1e-3 for `adam`, 0.2 for `sgd`). */
  learningRate?: number;
  /** Label smoothing of the cross-entropy (default 0.2 for CIFAR-10, else 0). */
  labelSmoothing?: number;
  /** L2 weight decay of conv and dense kernels (default 5e-4 for CIFAR-10, else 0). */
  weightDecay?: number;
  /** Augmentation (default {@linkcode DEFAULT_AUGMENT}: MNIST `shift`, CIFAR-10 `shift-flip`, else `none`). */
  augment?: Augmentation;
  /**
   * Architecture: a name (`tiny`, `small`, `cifar`) or a spec (default by
   * data set).
   */
  architecture?: string | ArchitectureSpec;
  /** Use only this many training images (a seeded subset; default all). */
  trainCount?: number;
  /** Measure test accuracy on only this many test images (default all). */
  testCount?: number;
  /**
   * Evaluate test accuracy after every epoch (default true), on the first
   * {@linkcode EPOCH_TEST_IMAGES} test images; the final accuracy uses all.
   */
  evalEachEpoch?: boolean;
  /** Progress line every this many steps (default 50). */
  logEvery?: number;
  /** Where progress lines go (default `console.log`). */
  log?: (line: string) => void;
  /** Data loading options (data dir, cache dir, synthetic options). */
  data?: LoadOptions;
}

/** Default epochs per data set (the settings of the committed weights). */
export const DEFAULT_EPOCHS: Readonly<Record<string, number>> = {
  mnist: 5,
  fashion: 4,
  cifar10: 8,
};

/** Default batch size per data set (others: 128). */
export const DEFAULT_BATCH_SIZE: Readonly<Record<string, number>> = {
  cifar10: 256,
};

/** The evaluator optimisers. */
export type EvaluatorOptimizer = "adam" | "sgd";

/** Default optimiser per data set (others: `adam`). */
export const DEFAULT_OPTIMIZER: Readonly<Record<string, EvaluatorOptimizer>> = {
  cifar10: "sgd",
};

/** Default label smoothing per data set (others: 0). */
export const DEFAULT_LABEL_SMOOTHING: Readonly<Record<string, number>> = {
  cifar10: 0.2,
};

/** Default L2 weight decay of the kernels per data set (others: 0). */
export const DEFAULT_WEIGHT_DECAY: Readonly<Record<string, number>> = {
  cifar10: 5e-4,
};

/** Fraction of the steps over which the `sgd` learning rate warms up. */
export const SGD_WARMUP = 0.2;

/** Test images scored after each epoch (progress only). */
export const EPOCH_TEST_IMAGES = 2000;

/** Default augmentation per data set (others: `none`). */
export const DEFAULT_AUGMENT: Readonly<Record<string, Augmentation>> = {
  mnist: "shift",
  cifar10: "shift-flip",
};

/** Images per forward pass when measuring accuracy. */
const EVAL_BATCH = 500;

/**
 * Top-1 accuracy of a classifier on (the first `count` images of) a split.
 *
 * @param model Images → logits (a layers model), or a function from images to
 *   logits or probabilities (same argmax).
 * @param split The split.
 * @param shape `[h, w, c]`.
 * @param count Images to use (default all).
 * @returns Accuracy in [0, 1].
 * @example
 * ```ts
 * import { testAccuracy } from "./train.ts";
 * const acc = await testAccuracy(model, ds.test, [28, 28, 1]);
 * ```
 */
export async function testAccuracy(
  model: tfl.LayersModel | ((images: tf.Tensor4D) => tf.Tensor2D),
  split: Split,
  shape: ImageShape3,
  count = split.count,
): Promise<number> {
  const n = Math.min(count, split.count);
  let correct = 0;
  for (let start = 0; start < n; start += EVAL_BATCH) {
    const end = Math.min(n, start + EVAL_BATCH);
    const idx = new Int32Array(end - start);
    for (let i = 0; i < idx.length; i++) idx[i] = start + i;
    const predicted = tf.tidy(() => {
      const x = toImageTensor(split, shape, idx);
      const scores = typeof model === "function"
        ? model(x)
        : model.predict(x) as tf.Tensor2D;
      return tf.argMax(scores, 1);
    });
    const p = await predicted.data();
    predicted.dispose();
    for (let i = 0; i < p.length; i++) {
      if (p[i] === split.labels[start + i]) correct++;
    }
  }
  return n === 0 ? 0 : correct / n;
}

/**
 * The learning-rate multiplier of a step: cosine from 1 to 0.02 for `adam`;
 * for `sgd` a linear rise from 0 to 1 over {@linkcode SGD_WARMUP} of the
 * steps, then a linear fall to 0 at the last step.
 *
 * @param optimizer The optimiser.
 * @param step Step index, 0-based.
 * @param totalSteps Steps of the whole run.
 * @returns The factor in [0, 1].
 * @example
 * ```ts
 * import { scheduleFactor } from "./train.ts";
 * scheduleFactor("sgd", 20, 100); // 1
 * ```
 */
export function scheduleFactor(
  optimizer: EvaluatorOptimizer,
  step: number,
  totalSteps: number,
): number {
  if (optimizer === "adam") {
    const cosine = 0.5 * (1 + Math.cos(Math.PI * step / totalSteps));
    return 0.02 + 0.98 * cosine;
  }
  const peak = SGD_WARMUP * totalSteps;
  // Step s trains at (s + 1)/peak while warming up, so the first step is not 0.
  if (step < peak) return Math.min(1, (step + 1) / peak);
  return Math.max(0, (totalSteps - step) / (totalSteps - peak));
}

function fmt(x: number, digits = 4): string {
  return x.toFixed(digits);
}

/**
 * Trains an evaluator classifier and writes its weights and manifest.
 *
 * @param options Data set, epochs, batch size, seed, output directory …
 * @returns The manifest written to `<outDir>/manifest.json`.
 * @example
 * ```ts
 * import { initBackend } from "../../backend/init.ts";
 * import { trainEvaluator } from "./train.ts";
 * await initBackend("wasm");
 * const manifest = await trainEvaluator({ dataset: "mnist", epochs: 3, seed: 1 });
 * console.log(manifest.testAccuracy);
 * ```
 */
export async function trainEvaluator(
  options: TrainEvaluatorOptions,
): Promise<EvaluatorManifest> {
  const log = options.log ?? ((line: string) => console.log(line));
  const dataset = options.dataset;
  const epochs = options.epochs ?? DEFAULT_EPOCHS[dataset] ?? 3;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE[dataset] ?? 128;
  const seed = options.seed ?? 1;
  const optimizerName: EvaluatorOptimizer = options.optimizer ??
    DEFAULT_OPTIMIZER[dataset] ?? "adam";
  const learningRate = options.learningRate ??
    (optimizerName === "sgd" ? 0.2 : 1e-3);
  const labelSmoothing = options.labelSmoothing ??
    DEFAULT_LABEL_SMOOTHING[dataset] ?? 0;
  const weightDecay = options.weightDecay ?? DEFAULT_WEIGHT_DECAY[dataset] ??
    0;
  const augment: Augmentation = options.augment ??
    DEFAULT_AUGMENT[dataset] ?? "none";
  const logEvery = options.logEvery ?? 50;
  const spec: ArchitectureSpec = typeof options.architecture === "string"
    ? architectureByName(options.architecture)
    : options.architecture ?? defaultArchitecture(dataset);
  for (
    const [name, v, min] of [
      ["epochs", epochs, 1],
      ["batchSize", batchSize, 1],
      ["logEvery", logEvery, 1],
    ] as const
  ) {
    if (!Number.isInteger(v) || v < min) {
      throw new Error(
        `train-evaluator --${name} ${v}: must be an integer ≥ ${min}`,
      );
    }
  }
  if (!(learningRate > 0)) {
    throw new Error(
      `train-evaluator --learning-rate ${learningRate}: must be > 0`,
    );
  }
  if (optimizerName !== "adam" && optimizerName !== "sgd") {
    throw new Error(
      `train-evaluator --optimizer ${optimizerName}: expected adam or sgd`,
    );
  }
  if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
    throw new Error(
      `train-evaluator --label-smoothing ${labelSmoothing}: must be in [0, 1)`,
    );
  }
  if (!(weightDecay >= 0)) {
    throw new Error(
      `train-evaluator --weight-decay ${weightDecay}: must be ≥ 0`,
    );
  }
  if (!["none", "shift", "shift-flip"].includes(augment)) {
    throw new Error(
      `train-evaluator --augment ${augment}: expected none, shift or shift-flip`,
    );
  }

  const ds = await loadDataset(dataset, options.data);
  const shape: ImageShape3 = [ds.height, ds.width, ds.channels];
  const outDir = options.outDir ?? defaultWeightsDir(dataset);
  const trainIdx = options.trainCount === undefined
    ? null
    : fixedSubset(ds.train.count, options.trainCount, seed);
  const nTrain = trainIdx === null ? ds.train.count : trainIdx.length;
  if (batchSize > nTrain) {
    throw new Error(
      `train-evaluator --batch-size ${batchSize}: larger than the ${nTrain} training images`,
    );
  }
  const sampler = new BatchSampler(nTrain, batchSize, seed);
  const stepsPerEpoch = sampler.batchesPerEpoch;
  const totalSteps = stepsPerEpoch * epochs;
  const rng = mulberry32(seed ^ 0x5eed);

  const model = buildClassifier({
    spec,
    inputShape: shape,
    numClasses: ds.numClasses,
    seed,
    weightDecay,
  });
  if (spec.whiten) {
    // Whitening statistics from (up to) the first 5000 training images used.
    const count = Math.min(5000, nTrain);
    const idx = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      idx[i] = trainIdx === null ? i : trainIdx[i];
    }
    const pixels = tf.tidy(() => toImageTensor(ds.train, shape, idx));
    setWhiteningWeights(model, await pixels.data() as Float32Array, shape);
    pixels.dispose();
  }
  // (`instanceof` cannot tell TF.js optimisers apart: every one matches.)
  const momentum = optimizerName === "sgd"
    ? tf.train.momentum(learningRate, 0.9, true)
    : null;
  const optimizer = momentum ?? tf.train.adam(learningRate);
  const setLr = (lr: number) => {
    if (momentum !== null) {
      // SGD-family optimisers read a cached scalar, renewed only here.
      momentum.setLearningRate(lr);
    } else {
      // Adam reads the field at every step.
      (optimizer as unknown as { learningRate: number }).learningRate = lr;
    }
  };
  model.compile({
    optimizer,
    loss: (yTrue: tf.Tensor, logits: tf.Tensor) =>
      tf.losses.softmaxCrossEntropy(
        yTrue,
        logits,
        undefined,
        labelSmoothing,
      ),
    metrics: [tfl.metrics.categoricalAccuracy],
  });
  log(
    `train-evaluator ${dataset}: ${spec.name} (${model.countParams()} parameters), ` +
      `${nTrain} train images, ${epochs} epochs × ${stepsPerEpoch} steps, batch ${batchSize}, ` +
      `seed ${seed}, augment ${augment}, ${optimizerName} lr ${learningRate}, ` +
      `label smoothing ${labelSmoothing}, weight decay ${weightDecay}, backend ${tf.getBackend()}`,
  );

  const started = performance.now();
  let lr = learningRate;
  let step = 0;
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      let lossSum = 0;
      let accSum = 0;
      let count = 0;
      for (let s = 0; s < stepsPerEpoch; s++, step++) {
        lr = learningRate * scheduleFactor(optimizerName, step, totalSteps);
        setLr(lr);
        const picked = sampler.next();
        const idx = trainIdx === null
          ? picked
          : Int32Array.from(picked, (i) => trainIdx[i]);
        const x = augmentedBatch(ds.train, shape, idx, augment, rng);
        const labels = new Int32Array(idx.length);
        for (let i = 0; i < idx.length; i++) {
          labels[i] = ds.train.labels[idx[i]];
        }
        const y = tf.tidy(() =>
          tf.cast(
            tf.oneHot(tf.tensor1d(labels, "int32"), ds.numClasses),
            "float32",
          )
        );
        let out: number | number[];
        try {
          out = await model.trainOnBatch(x, y);
        } finally {
          x.dispose();
          y.dispose();
        }
        const [loss, acc] = Array.isArray(out) ? out : [out, NaN];
        if (!Number.isFinite(loss)) {
          throw new Error(
            `train-evaluator ${dataset}: loss became ${loss} at step ${step}`,
          );
        }
        lossSum += loss;
        accSum += acc;
        count++;
        if ((s + 1) % logEvery === 0 && s + 1 < stepsPerEpoch) {
          log(
            `epoch ${epoch + 1}/${epochs} step ${s + 1}/${stepsPerEpoch} ` +
              `loss ${fmt(lossSum / count)} acc ${fmt(accSum / count)} ` +
              `lr ${lr.toExponential(2)} ${
                fmt((performance.now() - started) / 1000, 1)
              }s`,
          );
        }
      }
      let line = `epoch ${epoch + 1}/${epochs} done: loss ${
        fmt(lossSum / count)
      } acc ${fmt(accSum / count)}`;
      if (options.evalEachEpoch ?? true) {
        const n = Math.min(
          options.testCount ?? EPOCH_TEST_IMAGES,
          EPOCH_TEST_IMAGES,
          ds.test.count,
        );
        const acc = await testAccuracy(model, ds.test, shape, n);
        line += ` test_acc ${fmt(acc)} (first ${n})`;
      }
      log(`${line} ${fmt((performance.now() - started) / 1000, 1)}s`);
    }
    const seconds = (performance.now() - started) / 1000;
    const accuracy = await testAccuracy(
      model,
      ds.test,
      shape,
      options.testCount,
    );
    const saved = await saveLayersModel(model, outDir);
    const manifest: EvaluatorManifest = {
      id: evaluatorIdFor(dataset),
      dataset,
      testAccuracy: Math.round(accuracy * 1e6) / 1e6,
      testImages: Math.min(options.testCount ?? ds.test.count, ds.test.count),
      featureDim: spec.featureDim,
      numClasses: ds.numClasses,
      inputShape: shape,
      featureLayer: FEATURE_LAYER,
      logitsLayer: LOGITS_LAYER,
      weightsFiles: saved.weightsFiles,
      weightsMd5: saved.weightsMd5,
      weightsBytes: saved.weightsBytes,
      tfjsVersion: tf.version_core,
      trainedWith: {
        epochs,
        batchSize,
        seed,
        backend: tf.getBackend(),
        seconds: Math.round(seconds * 10) / 10,
        steps: step,
        optimizer: optimizerName,
        learningRate,
        finalLearningRate: lr,
        labelSmoothing,
        weightDecay,
        augment,
        architecture: spec.name,
        trainImages: nTrain,
      },
    };
    await writeFileAtomic(
      join(outDir, MANIFEST_FILE),
      JSON.stringify(manifest, null, 2) + "\n",
    );
    log(
      `train-evaluator ${dataset}: test accuracy ${
        fmt(accuracy)
      } on ${manifest.testImages} images, ` +
        `${
          fmt(seconds, 1)
        }s; wrote ${outDir} (weights md5 ${saved.weightsMd5}, ${saved.weightsBytes} bytes)`,
    );
    return manifest;
  } finally {
    model.dispose();
    optimizer.dispose();
    if (momentum !== null) {
      // MomentumOptimizer.dispose() forgets its parent's learning-rate scalar.
      (momentum as unknown as { c: tf.Scalar }).c.dispose();
    }
  }
}
