/**
 * `ganbench train-evaluator`: trains the classifier whose penultimate layer
 * gives FID/KID features and whose softmax gives the Inception Score for a
 * data set, deterministically, and writes it in TF.js layers format with a
 * manifest (test accuracy, weights md5, feature dimension): by default to a
 * new directory under `.cache/ganbench/evaluators/` with a new id; over the
 * shipped evaluator only with `--replace-shipped` and a new `--id`.
 *
 * @module
 */
import type { Command } from "./_command.ts";
import { formatHelp, parseFlags, UsageError } from "./_args.ts";
import type { FlagSpecs } from "./_args.ts";
import { BACKEND_CHOICES, initBackend } from "../backend/mod.ts";
import { DATASET_IDS } from "../data/registry.ts";
import { trainEvaluator } from "../metrics/evaluators/train.ts";
import {
  type EvaluatorOutput,
  EvaluatorOutputError,
  resolveEvaluatorOutput,
} from "../metrics/evaluators/train_options.ts";

const FLAGS = {
  dataset: {
    type: "choice",
    choices: DATASET_IDS,
    default: "mnist",
    description: "data set to train on",
  },
  epochs: {
    type: "integer",
    min: 1,
    description:
      "passes over the train split (default mnist 5, fashion 4, cifar10 8, else 3)",
  },
  "batch-size": {
    type: "integer",
    min: 1,
    description: "images per step (default 128; cifar10 256)",
  },
  optimizer: {
    type: "choice",
    choices: ["adam", "sgd"],
    description:
      "adam (cosine decay) or sgd (Nesterov, one-cycle); default adam, cifar10 sgd",
  },
  "learning-rate": {
    type: "number",
    min: 0,
    valueName: "LR",
    description:
      "initial (adam) or peak (sgd) learning rate (default 1e-3 adam, 0.2 sgd)",
  },
  "label-smoothing": {
    type: "number",
    min: 0,
    description:
      "label smoothing of the cross-entropy (default 0; cifar10 0.2)",
  },
  "weight-decay": {
    type: "number",
    min: 0,
    description: "L2 weight decay of the kernels (default 0; cifar10 5e-4)",
  },
  "trunk-from": {
    type: "string",
    valueName: "DIR",
    description:
      "copy and freeze the convolutional trunk of this evaluator (a directory written by train-evaluator) and train only the feature and logits layers (default epochs then 3)",
  },
  "calibrate-from": {
    type: "string",
    valueName: "DIR",
    description:
      "train nothing: copy this evaluator, fit and fold its temperature, record its feature statistics",
  },
  "train-count": {
    type: "integer",
    min: 1,
    valueName: "N",
    description: "train on a seeded subset of N images (default all)",
  },
  seed: {
    type: "integer",
    min: 0,
    default: 1,
    description: "seed of initialisation and shuffling",
  },
  out: {
    type: "string",
    valueName: "DIR",
    description:
      "output directory (default .cache/ganbench/evaluators/<id>; never inside the shipped weights)",
  },
  id: {
    type: "string",
    valueName: "ID",
    description:
      "evaluator id in the manifest (default ganbench-<dataset>-local-s<seed>-<UTC time>; never the shipped id)",
  },
  "replace-shipped": {
    type: "boolean",
    description:
      "overwrite the shipped evaluator in src/metrics/evaluators/weights/<dataset> (needs a new --id)",
  },
  backend: {
    type: "choice",
    choices: BACKEND_CHOICES,
    default: "auto",
    description: "TF.js backend",
  },
  "data-dir": {
    type: "string",
    valueName: "DIR",
    description: "directory with the official data files",
  },
} as const satisfies FlagSpecs;

/** The `train-evaluator` sub-command. */
export const trainEvaluatorCommand: Command = {
  name: "train-evaluator",
  summary:
    "train the evaluator classifier of a data set (FID/KID features, IS)",
  async run(args) {
    const { values } = parseFlags(args, FLAGS);
    if (values.help) {
      console.log(formatHelp(
        "ganbench train-evaluator [--dataset ID] [flags]",
        "Trains the data set's evaluator network deterministically, fits a temperature to its probabilities on the first half of the test split, and writes model.json, weights.bin and manifest.json (test accuracy, weights md5, temperature and calibration error, live features and effective rank).",
        FLAGS,
      ));
      return 0;
    }
    // Where the weights go is settled before anything loads or trains.
    if (
      values["trunk-from"] !== undefined &&
      values["calibrate-from"] !== undefined
    ) {
      throw new UsageError(
        "--trunk-from and --calibrate-from: give one (--calibrate-from trains nothing)",
      );
    }
    const output = await checkedOutput({
      dataset: values.dataset,
      seed: values.seed,
      outDir: values.out,
      id: values.id,
      replaceShipped: values["replace-shipped"],
      data: { dataDir: values["data-dir"] },
    });
    await initBackend(values.backend, {
      log: (l) => console.error(l),
    });
    const manifest = await trainEvaluator({
      dataset: values.dataset,
      epochs: values.epochs,
      batchSize: values["batch-size"],
      optimizer: values.optimizer,
      learningRate: values["learning-rate"],
      labelSmoothing: values["label-smoothing"],
      weightDecay: values["weight-decay"],
      trainCount: values["train-count"],
      trunkFrom: values["trunk-from"],
      calibrateFrom: values["calibrate-from"],
      seed: values.seed,
      outDir: output.outDir,
      id: output.id,
      replaceShipped: output.replacesShipped,
      data: { dataDir: values["data-dir"] },
    });
    console.log(
      `${manifest.id}: test accuracy ${
        (100 * manifest.testAccuracy).toFixed(2)
      } %, ${manifest.featureDim}-d features (${manifest.featureStats?.liveUnits} live), T ${manifest.calibration?.temperature}, weights md5 ${manifest.weightsMd5}, in ${output.outDir}` +
        (output.replacesShipped
          ? ""
          : ` (use it with bench --evaluator ${output.outDir}/model.json)`),
    );
    return 0;
  },
};

/**
 * The output directory and id, or a one-line usage error naming the flag:
 * refused places and ids, and a directory this process may not write.
 */
async function checkedOutput(
  options: Parameters<typeof resolveEvaluatorOutput>[0],
): Promise<EvaluatorOutput> {
  let output: EvaluatorOutput;
  try {
    output = await resolveEvaluatorOutput(options);
  } catch (error) {
    if (!(error instanceof EvaluatorOutputError)) throw error;
    const { dataset, id, outDir } = options;
    const shipped = error.shippedId ?? "none yet";
    throw new UsageError(
      {
        "bad-id": `--id ${
          JSON.stringify(id)
        }: use letters, digits, '.', '_' and '-' (at most 100, starting with a letter or digit)`,
        "shipped-id":
          `--id ${id}: is the shipped ${dataset} evaluator's id; retrained weights need a new id`,
        "shipped-dir":
          `--out ${outDir}: is inside the shipped evaluator weights; write elsewhere, or replace the shipped ${dataset} evaluator with --replace-shipped --id NEW-ID`,
        "replace-needs-id":
          `--replace-shipped: needs --id NEW-ID (the shipped ${dataset} evaluator is ${shipped})`,
        "replace-elsewhere":
          `--replace-shipped writes to ${error.shippedDir}: drop --out ${outDir}`,
      }[error.problem],
    );
  }
  const status = await Deno.permissions.query({
    name: "write",
    path: output.outDir,
  });
  if (status.state !== "granted") {
    throw new UsageError(
      `${
        options.replaceShipped
          ? "--replace-shipped"
          : options.outDir === undefined
          ? "output directory"
          : "--out"
      } ${output.outDir}: no permission to write there (the train-evaluator task may write under .cache and src/metrics/evaluators/weights; elsewhere run deno with --allow-write=${output.outDir})`,
    );
  }
  return output;
}
