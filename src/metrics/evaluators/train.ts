/**
 * Deterministic training of ganbench's evaluator classifiers: seeded
 * initialisation, seeded shuffling ({@linkcode BatchSampler}), seeded
 * augmentation; Adam with cosine learning-rate decay, or (CIFAR-10) Nesterov
 * SGD with a one-cycle schedule, label smoothing and weight decay. Writes the
 * weights in the TF.js layers format (`model.json` + `weights.bin`, atomically) and a
 * `manifest.json` with the test accuracy and the weights' md5.
 *
 * The defaults of each data set are its recipe (`recipe.ts`); the options
 * resolve in `train_options.ts`, the optimisers and their schedules are
 * `optimizer.ts`'s.
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
import type { Dataset } from "../../data/types.ts";
import { mulberry32 } from "../../util/random.ts";
import { augmentedBatch } from "./_augment.ts";
import { MANIFEST_FILE, saveLayersModel, writeFileAtomic } from "./_io.ts";
import { testAccuracy } from "./accuracy.ts";
import {
  buildClassifier,
  FEATURE_LAYER,
  LOGITS_LAYER,
  setWhiteningWeights,
} from "./architecture.ts";
import {
  createScheduledOptimizer,
  type ScheduledOptimizer,
  scheduleFactor,
} from "./optimizer.ts";
import {
  type EvaluatorOutput,
  type EvaluatorTrainSettings,
  resolveEvaluatorOutput,
  resolveTrainSettings,
  type TrainEvaluatorOptions,
} from "./train_options.ts";
import type { EvaluatorManifest, ImageShape3 } from "./types.ts";

export type { TrainEvaluatorOptions } from "./train_options.ts";
export { EvaluatorOutputError } from "./train_options.ts";

/** Test images scored after each epoch (progress only). */
export const EPOCH_TEST_IMAGES = 2000;

function fmt(x: number, digits = 4): string {
  return x.toFixed(digits);
}

/** Everything one training run shares between its epochs. */
interface EvaluatorRun {
  options: TrainEvaluatorOptions;
  settings: EvaluatorTrainSettings;
  /** Where the result goes and its id. */
  output: EvaluatorOutput;
  log: (line: string) => void;
  ds: Dataset;
  shape: ImageShape3;
  /** The training images used (a seeded subset), or null for all. */
  trainIdx: Int32Array | null;
  sampler: BatchSampler;
  rng: () => number;
  model: tfl.LayersModel;
  optimizer: ScheduledOptimizer;
  totalSteps: number;
  /** `performance.now()` when training started. */
  started: number;
  /** Steps done so far. */
  step: number;
  /** The learning rate of the last step. */
  lr: number;
}

/**
 * Trains an evaluator classifier and writes its weights and manifest: by
 * default to a new directory in the cache under a new id; over the shipped
 * evaluator only with `replaceShipped` and a new id (checked before any
 * data is loaded, see {@linkcode resolveEvaluatorOutput}).
 *
 * @param options Data set, epochs, batch size, seed, output directory …
 * @returns The manifest written to `<outDir>/manifest.json`.
 * @throws EvaluatorOutputError when the output directory or id is refused.
 * @example
 * ```ts
 * import { initBackend } from "../../backend/init.ts";
 * import { trainEvaluator } from "./train.ts";
 * await initBackend("wasm");
 * const manifest = await trainEvaluator({ dataset: "mnist", epochs: 3, seed: 1 });
 * console.log(manifest.id, manifest.testAccuracy); // written under .cache/ganbench/evaluators/
 * ```
 */
export async function trainEvaluator(
  options: TrainEvaluatorOptions,
): Promise<EvaluatorManifest> {
  const settings = resolveTrainSettings(options);
  const output = await resolveEvaluatorOutput(options);
  const { seed, batchSize } = settings;
  const ds = await loadDataset(options.dataset, options.data);
  const shape: ImageShape3 = [ds.height, ds.width, ds.channels];
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
  const rng = mulberry32(seed ^ 0x5eed);
  const model = buildClassifier({
    spec: settings.spec,
    inputShape: shape,
    numClasses: ds.numClasses,
    seed,
    weightDecay: settings.weightDecay,
  });
  if (settings.spec.whiten) await whiten(model, ds, shape, trainIdx);
  const optimizer = createScheduledOptimizer(
    settings.optimizer,
    settings.learningRate,
  );
  const run: EvaluatorRun = {
    options,
    settings,
    output,
    log: options.log ?? ((line: string) => console.log(line)),
    ds,
    shape,
    trainIdx,
    sampler,
    rng,
    model,
    optimizer,
    totalSteps: sampler.batchesPerEpoch * settings.epochs,
    started: 0,
    step: 0,
    lr: settings.learningRate,
  };
  try {
    compile(run);
    run.started = performance.now();
    for (let epoch = 0; epoch < settings.epochs; epoch++) {
      await trainEpoch(run, epoch);
    }
    return await finish(run);
  } finally {
    model.dispose();
    optimizer.dispose();
  }
}

/**
 * Sets the classifier's whitening stem from (up to) the first 5000 training
 * images used.
 */
async function whiten(
  model: tfl.LayersModel,
  ds: Dataset,
  shape: ImageShape3,
  trainIdx: Int32Array | null,
): Promise<void> {
  const nTrain = trainIdx === null ? ds.train.count : trainIdx.length;
  const count = Math.min(5000, nTrain);
  const idx = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    idx[i] = trainIdx === null ? i : trainIdx[i];
  }
  const pixels = tf.tidy(() => toImageTensor(ds.train, shape, idx));
  setWhiteningWeights(model, await pixels.data() as Float32Array, shape);
  pixels.dispose();
}

/** Compiles the model with the run's loss and optimiser and logs the plan. */
function compile(run: EvaluatorRun): void {
  const { model, settings } = run;
  model.compile({
    optimizer: run.optimizer.optimizer,
    loss: (yTrue: tf.Tensor, logits: tf.Tensor) =>
      tf.losses.softmaxCrossEntropy(
        yTrue,
        logits,
        undefined,
        settings.labelSmoothing,
      ),
    metrics: [tfl.metrics.categoricalAccuracy],
  });
  run.log(
    `train-evaluator ${run.options.dataset}: ${settings.spec.name} (${model.countParams()} parameters), ` +
      `${run.sampler.count} train images, ${settings.epochs} epochs × ${run.sampler.batchesPerEpoch} steps, batch ${settings.batchSize}, ` +
      `seed ${settings.seed}, augment ${settings.augment}, ${settings.optimizer} lr ${settings.learningRate}, ` +
      `label smoothing ${settings.labelSmoothing}, weight decay ${settings.weightDecay}, backend ${tf.getBackend()}`,
  );
}

/** Trains one epoch, logging progress and (optionally) test accuracy. */
async function trainEpoch(run: EvaluatorRun, epoch: number): Promise<void> {
  const { settings, options } = run;
  const { epochs, logEvery } = settings;
  const stepsPerEpoch = run.sampler.batchesPerEpoch;
  let lossSum = 0;
  let accSum = 0;
  let count = 0;
  for (let s = 0; s < stepsPerEpoch; s++, run.step++) {
    const [loss, acc] = await trainBatch(run);
    lossSum += loss;
    accSum += acc;
    count++;
    if ((s + 1) % logEvery === 0 && s + 1 < stepsPerEpoch) {
      run.log(
        `epoch ${epoch + 1}/${epochs} step ${s + 1}/${stepsPerEpoch} ` +
          `loss ${fmt(lossSum / count)} acc ${fmt(accSum / count)} ` +
          `lr ${run.lr.toExponential(2)} ${fmt(elapsed(run), 1)}s`,
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
      run.ds.test.count,
    );
    const acc = await testAccuracy(run.model, run.ds.test, run.shape, n);
    line += ` test_acc ${fmt(acc)} (first ${n})`;
  }
  run.log(`${line} ${fmt(elapsed(run), 1)}s`);
}

/** One step at the scheduled learning rate; returns its loss and accuracy. */
async function trainBatch(run: EvaluatorRun): Promise<[number, number]> {
  const { ds, settings, trainIdx } = run;
  run.lr = settings.learningRate *
    scheduleFactor(settings.optimizer, run.step, run.totalSteps);
  run.optimizer.setLearningRate(run.lr);
  const picked = run.sampler.next();
  const idx = trainIdx === null
    ? picked
    : Int32Array.from(picked, (i) => trainIdx[i]);
  const x = augmentedBatch(ds.train, run.shape, idx, settings.augment, run.rng);
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
    out = await run.model.trainOnBatch(x, y);
  } finally {
    x.dispose();
    y.dispose();
  }
  const [loss, acc] = Array.isArray(out) ? out : [out, NaN];
  if (!Number.isFinite(loss)) {
    throw new Error(
      `train-evaluator ${run.options.dataset}: loss became ${loss} at step ${run.step}`,
    );
  }
  return [loss, acc];
}

/** Seconds since training started. */
function elapsed(run: EvaluatorRun): number {
  return (performance.now() - run.started) / 1000;
}

/** Measures the final accuracy, writes weights and manifest, logs the result. */
async function finish(run: EvaluatorRun): Promise<EvaluatorManifest> {
  const { options, settings, ds } = run;
  const seconds = elapsed(run);
  const accuracy = await testAccuracy(
    run.model,
    ds.test,
    run.shape,
    options.testCount,
  );
  const { outDir, id } = run.output;
  const saved = await saveLayersModel(run.model, outDir);
  const manifest: EvaluatorManifest = {
    id,
    dataset: options.dataset,
    testAccuracy: Math.round(accuracy * 1e6) / 1e6,
    testImages: Math.min(options.testCount ?? ds.test.count, ds.test.count),
    featureDim: settings.spec.featureDim,
    numClasses: ds.numClasses,
    inputShape: run.shape,
    featureLayer: FEATURE_LAYER,
    logitsLayer: LOGITS_LAYER,
    weightsFiles: saved.weightsFiles,
    weightsMd5: saved.weightsMd5,
    weightsBytes: saved.weightsBytes,
    tfjsVersion: tf.version_core,
    trainedWith: {
      epochs: settings.epochs,
      batchSize: settings.batchSize,
      seed: settings.seed,
      backend: tf.getBackend(),
      seconds: Math.round(seconds * 10) / 10,
      steps: run.step,
      optimizer: settings.optimizer,
      learningRate: settings.learningRate,
      finalLearningRate: run.lr,
      labelSmoothing: settings.labelSmoothing,
      weightDecay: settings.weightDecay,
      augment: settings.augment,
      architecture: settings.spec.name,
      trainImages: run.sampler.count,
    },
  };
  await writeFileAtomic(
    join(outDir, MANIFEST_FILE),
    JSON.stringify(manifest, null, 2) + "\n",
  );
  run.log(
    `train-evaluator ${options.dataset}: test accuracy ${
      fmt(accuracy)
    } on ${manifest.testImages} images, ` +
      `${
        fmt(seconds, 1)
      }s; wrote ${outDir} as ${id} (weights md5 ${saved.weightsMd5}, ${saved.weightsBytes} bytes)`,
  );
  return manifest;
}
