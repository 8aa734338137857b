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
import { calibrateClassifier } from "./calibrate_model.ts";
import { freezeTrunk, type FrozenTrunk } from "./frozen_trunk.ts";
import { loadSourceEvaluator } from "./source_model.ts";
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
  /** The frozen trunk and trained head of a `trunkFrom` run, else null. */
  frozen: FrozenTrunk | null;
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
  if (options.calibrateFrom !== undefined) {
    return await calibrateOnly(options, output, ds, shape);
  }
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
  const frozen = options.trunkFrom === undefined
    ? null
    : await freezeTrunk(model, options.trunkFrom);
  if (settings.spec.whiten && frozen === null) {
    await whiten(model, ds, shape, trainIdx);
  }
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
    frozen,
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
  const { settings, frozen } = run;
  const model = frozen === null ? run.model : frozen.head;
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
    `train-evaluator ${run.options.dataset}: ${settings.spec.name} (${model.countParams()} parameters trained${
      frozen === null ? "" : `; trunk of ${frozen.source.id} frozen`
    }), ` +
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
  const { frozen } = run;
  // A frozen trunk runs in inference mode; only the head sees the labels.
  const input = frozen === null
    ? x
    : tf.tidy(() => frozen.trunk.predict(x) as tf.Tensor);
  try {
    out = await (frozen === null ? run.model : frozen.head)
      .trainOnBatch(input, y);
  } finally {
    tf.dispose([x, input, y]);
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

/** Calibrates the trained model and writes it (see {@linkcode writeEvaluator}). */
async function finish(run: EvaluatorRun): Promise<EvaluatorManifest> {
  const { settings } = run;
  const seconds = elapsed(run);
  return await writeEvaluator(run.model, run, seconds, {
    featureDim: settings.spec.featureDim,
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
      ...(run.frozen === null ? {} : { trunkFrom: run.frozen.source }),
    },
  });
}

/**
 * `calibrateFrom`: copies a trained evaluator under a new id with its
 * temperature fitted and folded and its feature statistics recorded; its
 * training record is kept as it was.
 */
async function calibrateOnly(
  options: TrainEvaluatorOptions,
  output: EvaluatorOutput,
  ds: Dataset,
  shape: ImageShape3,
): Promise<EvaluatorManifest> {
  const path = options.calibrateFrom as string;
  const src = await loadSourceEvaluator(path, "--calibrate-from");
  try {
    const m = src.manifest;
    if (m.dataset !== options.dataset || m.calibration !== undefined) {
      throw new Error(
        `--calibrate-from ${path}: ${
          m.dataset !== options.dataset
            ? `is a ${m.dataset} evaluator, not ${options.dataset}`
            : `${m.id} is calibrated already (T = ${m.calibration?.temperature})`
        }`,
      );
    }
    const log = options.log ?? ((line: string) => console.log(line));
    log(
      `train-evaluator ${options.dataset}: calibrating ${m.id} (no training)`,
    );
    return await writeEvaluator(
      src.model,
      { options, output, ds, shape, log },
      0,
      {
        featureDim: m.featureDim,
        trainedWith: m.trainedWith,
        calibratedFrom: { id: m.id, weightsMd5: m.weightsMd5 },
      },
    );
  } finally {
    src.model.dispose();
  }
}

/**
 * Fits and folds the temperature, measures the test accuracy and the
 * feature statistics, writes the weights and the manifest (atomically) and
 * logs the result.
 */
async function writeEvaluator(
  model: tfl.LayersModel,
  run: Pick<EvaluatorRun, "options" | "output" | "ds" | "shape" | "log">,
  seconds: number,
  record: Pick<
    EvaluatorManifest,
    "featureDim" | "trainedWith" | "calibratedFrom"
  >,
): Promise<EvaluatorManifest> {
  const { options, ds, shape } = run;
  const described = await calibrateClassifier(model, ds.test, shape);
  // Measured after folding: the accuracy of the weights that are written.
  const accuracy = await testAccuracy(model, ds.test, shape, options.testCount);
  const { outDir, id } = run.output;
  const saved = await saveLayersModel(model, outDir);
  const manifest: EvaluatorManifest = {
    id,
    dataset: options.dataset,
    testAccuracy: Math.round(accuracy * 1e6) / 1e6,
    testImages: Math.min(options.testCount ?? ds.test.count, ds.test.count),
    featureDim: record.featureDim,
    numClasses: ds.numClasses,
    inputShape: shape,
    featureLayer: FEATURE_LAYER,
    logitsLayer: LOGITS_LAYER,
    weightsFiles: saved.weightsFiles,
    weightsMd5: saved.weightsMd5,
    weightsBytes: saved.weightsBytes,
    tfjsVersion: tf.version_core,
    trainedWith: record.trainedWith,
    ...(record.calibratedFrom ? { calibratedFrom: record.calibratedFrom } : {}),
    ...described,
  };
  await writeFileAtomic(
    join(outDir, MANIFEST_FILE),
    JSON.stringify(manifest, null, 2) + "\n",
  );
  const f = described.featureStats;
  run.log(
    `train-evaluator ${options.dataset}: test accuracy ${
      fmt(accuracy)
    } on ${manifest.testImages} images, T ${
      fmt(described.calibration.temperature)
    }, ${f.liveUnits}/${f.units} live features (effective rank ${
      fmt(f.effectiveRank, 1)
    }), ${
      record.calibratedFrom ? "calibrated only" : `${fmt(seconds, 1)}s training`
    }; wrote ${outDir} as ${id} (weights md5 ${saved.weightsMd5}, ${saved.weightsBytes} bytes)`,
  );
  return manifest;
}
