/**
 * The options of evaluator training and how they resolve: what the caller
 * gave, else the data set's recipe ({@linkcode EVALUATOR_RECIPES}); checked
 * before any data is loaded.
 *
 * @module
 */
import { InputError } from "../../util/errors.ts";
import type { DatasetId } from "../../data/registry.ts";
import type { LoadOptions } from "../../data/types.ts";
import { architectureByName, type ArchitectureSpec } from "./architecture.ts";
import {
  defaultArchitecture,
  EVALUATOR_RECIPES,
  type EvaluatorOptimizer,
  HEAD_EPOCHS,
  OPTIMIZER_LEARNING_RATE,
} from "./recipe.ts";
import type { Augmentation } from "./types.ts";
import { join } from "node:path";
import { DEFAULT_CACHE_DIR } from "../../data/types.ts";
import {
  defaultWeightsDir,
  defaultWeightsRoot,
  evaluatorIdFor,
  isWithin,
  shippedEvaluatorId,
} from "./paths.ts";

/** Options of `trainEvaluator`. */
export interface TrainEvaluatorOptions {
  /** The data set to train on. */
  dataset: DatasetId;
  /** Passes over the training images (default: the data set's recipe). */
  epochs?: number;
  /** Images per step (default: the recipe's, 256 for CIFAR-10, else 128). */
  batchSize?: number;
  /** Seed of initialisation, shuffling and augmentation (default 1). */
  seed?: number;
  /**
   * Output directory for `model.json`, `weights.bin`, `manifest.json`
   * (default `<cache>/evaluators/<id>/`, the cache being `data.cacheDir` or
   * `.cache/ganbench`). It may not lie inside the shipped weights unless
   * `replaceShipped` is set; see {@linkcode resolveEvaluatorOutput}.
   */
  outDir?: string;
  /**
   * The evaluator id written to the manifest (default
   * `ganbench-<dataset>-local-s<seed>-<UTC time>`). Never the id of the
   * shipped evaluator: other weights under the same id would mix results.
   */
  id?: string;
  /**
   * Replace the data set's shipped evaluator (write into its directory under
   * the weights root). Needs a new `id`; default false.
   */
  replaceShipped?: boolean;
  /** The shipped weights root (default: the committed `weights/`). */
  weightsRoot?: string;
  /**
   * Optimiser (default: the recipe's, `sgd` for CIFAR-10, else `adam`).
   * `adam`: cosine decay from `learningRate` to 2 % of it. `sgd`: Nesterov
   * momentum 0.9, learning rate rising linearly from 0 to `learningRate`
   * over the first `SGD_WARMUP` of the steps, then falling linearly to 0
   * (one-cycle).
   */
  optimizer?: EvaluatorOptimizer;
  /**
   * Peak learning rate (default: the recipe's for the recipe's optimiser,
   * else {@linkcode OPTIMIZER_LEARNING_RATE}: 1e-3 for `adam`, 0.2 for `sgd`).
   */
  learningRate?: number;
  /** Label smoothing of the cross-entropy (default: the recipe's, 0.2 for CIFAR-10, else 0). */
  labelSmoothing?: number;
  /** L2 weight decay of conv and dense kernels (default: the recipe's, 5e-4 for CIFAR-10, else 0). */
  weightDecay?: number;
  /** Augmentation (default: the recipe's: MNIST `shift`, CIFAR-10 `shift-flip`, else `none`). */
  augment?: Augmentation;
  /**
   * Architecture: a name (`tiny`, `small`, `cifar`) or a spec (default: the
   * recipe's).
   */
  architecture?: string | ArchitectureSpec;
  /**
   * Start from this evaluator's convolutional trunk (a directory written by
   * `train-evaluator`, or its `model.json`): copy it, freeze it and train only
   * the feature and logits layers. Default epochs then
   * {@linkcode HEAD_EPOCHS}.
   */
  trunkFrom?: string;
  /**
   * Train nothing: copy this evaluator whole, fit and fold its temperature
   * and record its feature statistics under the new id.
   */
  calibrateFrom?: string;
  /** Use only this many training images (a seeded subset; default all). */
  trainCount?: number;
  /** Measure test accuracy on only this many test images (default all). */
  testCount?: number;
  /**
   * Evaluate test accuracy after every epoch (default true), on the first
   * `EPOCH_TEST_IMAGES` test images; the final accuracy uses all.
   */
  evalEachEpoch?: boolean;
  /** Progress line every this many steps (default 50). */
  logEvery?: number;
  /** Where progress lines go (default `console.log`). */
  log?: (line: string) => void;
  /** Data loading options (data dir, cache dir, synthetic options). */
  data?: LoadOptions;
}

/** The training settings of a run: the options with every default filled in. */
export interface EvaluatorTrainSettings {
  /** Passes over the training images. */
  epochs: number;
  /** Images per step. */
  batchSize: number;
  /** Seed of initialisation, shuffling and augmentation. */
  seed: number;
  /** The optimiser. */
  optimizer: EvaluatorOptimizer;
  /** Peak learning rate. */
  learningRate: number;
  /** Label smoothing of the cross-entropy. */
  labelSmoothing: number;
  /** L2 weight decay of the kernels. */
  weightDecay: number;
  /** Augmentation of the training batches. */
  augment: Augmentation;
  /** Progress line every this many steps. */
  logEvery: number;
  /** The architecture. */
  spec: ArchitectureSpec;
}

/**
 * Fills in the defaults of the data set's recipe and checks the result.
 *
 * @param options The caller's options.
 * @returns The settings of the run.
 * @throws Error naming the setting when a value is out of range or the
 *   architecture is unknown.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveTrainSettings } from "./train_options.ts";
 * const settings = resolveTrainSettings({ dataset: "cifar10", optimizer: "adam" });
 * assert.equal(settings.learningRate, 1e-3);
 * assert.equal(settings.labelSmoothing, 0.2);
 * assert.throws(() => resolveTrainSettings({ dataset: "mnist", epochs: 0 }), /epochs 0/);
 * ```
 */
export function resolveTrainSettings(
  options: TrainEvaluatorOptions,
): EvaluatorTrainSettings {
  if (options.trunkFrom !== undefined && options.calibrateFrom !== undefined) {
    throw new Error(
      "train-evaluator --trunk-from and --calibrate-from: give one (--calibrate-from trains nothing)",
    );
  }
  const recipe = EVALUATOR_RECIPES[options.dataset];
  const optimizer = options.optimizer ?? recipe.optimizer;
  const settings: EvaluatorTrainSettings = {
    epochs: options.epochs ??
      (options.trunkFrom === undefined ? recipe.epochs : HEAD_EPOCHS),
    batchSize: options.batchSize ?? recipe.batchSize,
    seed: options.seed ?? 1,
    optimizer,
    learningRate: options.learningRate ??
      (optimizer === recipe.optimizer
        ? recipe.learningRate
        // An unknown optimiser gets Adam's rate here; checkSettings names it.
        : OPTIMIZER_LEARNING_RATE[optimizer] ?? OPTIMIZER_LEARNING_RATE.adam),
    labelSmoothing: options.labelSmoothing ?? recipe.labelSmoothing,
    weightDecay: options.weightDecay ?? recipe.weightDecay,
    augment: options.augment ?? recipe.augment,
    logEvery: options.logEvery ?? 50,
    spec: typeof options.architecture === "string"
      ? architectureByName(options.architecture)
      : options.architecture ?? defaultArchitecture(options.dataset),
  };
  checkSettings(settings);
  return settings;
}

/** Throws a one-line error for the first setting out of range. */
function checkSettings(settings: EvaluatorTrainSettings): void {
  const { learningRate, optimizer, labelSmoothing, weightDecay, augment } =
    settings;
  for (const name of ["epochs", "batchSize", "logEvery"] as const) {
    const v = settings[name];
    if (!Number.isInteger(v) || v < 1) {
      throw new Error(`train-evaluator --${name} ${v}: must be an integer ≥ 1`);
    }
  }
  if (!(learningRate > 0)) {
    throw new Error(
      `train-evaluator --learning-rate ${learningRate}: must be > 0`,
    );
  }
  if (optimizer !== "adam" && optimizer !== "sgd") {
    throw new Error(
      `train-evaluator --optimizer ${optimizer}: expected adam or sgd`,
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
}

/** Where a trained evaluator is written and under which id. */
export interface EvaluatorOutput {
  /** The output directory. */
  outDir: string;
  /** The evaluator id of its manifest. */
  id: string;
  /** Whether it replaces the data set's shipped evaluator. */
  replacesShipped: boolean;
}

/** Why an output was refused (for callers that phrase their own message). */
export type EvaluatorOutputProblem =
  | "bad-id"
  | "shipped-id"
  | "shipped-dir"
  | "replace-needs-id"
  | "replace-elsewhere";

/**
 * A refused output directory or id; the message is one line.
 *
 * @example
 * ```ts
 * import { EvaluatorOutputError, resolveEvaluatorOutput } from "./train_options.ts";
 * try {
 *   await resolveEvaluatorOutput({ dataset: "mnist", replaceShipped: true });
 * } catch (error) {
 *   if (error instanceof EvaluatorOutputError) error.problem; // "replace-needs-id"
 * }
 * ```
 */
export class EvaluatorOutputError extends InputError {
  /** What was refused. */
  readonly problem: EvaluatorOutputProblem;
  /** The shipped evaluator's directory. */
  readonly shippedDir: string;
  /** The shipped evaluator's id (null when the data set ships none). */
  readonly shippedId: string | null;

  /**
   * @param problem What was refused.
   * @param message One line.
   * @param shippedDir The shipped evaluator's directory.
   * @param shippedId The shipped evaluator's id.
   */
  constructor(
    problem: EvaluatorOutputProblem,
    message: string,
    shippedDir: string,
    shippedId: string | null,
  ) {
    super(message);
    this.name = "EvaluatorOutputError";
    this.problem = problem;
    this.shippedDir = shippedDir;
    this.shippedId = shippedId;
  }
}

/** Evaluator ids: they go into every metrics row and into file names. */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/**
 * Decides where a trained evaluator goes. By default a new directory in the
 * cache under a new id, so that the shipped weights are never overwritten;
 * the shipped directory (and anything under the weights root) only with
 * `replaceShipped`, which also needs an explicit id other than the shipped
 * one. An id equal to the shipped evaluator's is always refused.
 *
 * @param options The training options (dataset, seed, outDir, id,
 *   replaceShipped, weightsRoot, data.cacheDir).
 * @param now The time that names the default id (default: now).
 * @returns The directory and id.
 * @throws EvaluatorOutputError naming the directory or id refused.
 * @example
 * ```ts
 * import { resolveEvaluatorOutput } from "./train_options.ts";
 * const out = await resolveEvaluatorOutput({ dataset: "mnist", seed: 1 }, new Date(0));
 * out.id; // "ganbench-mnist-local-s1-19700101T000000Z"
 * out.outDir; // ".cache/ganbench/evaluators/ganbench-mnist-local-s1-19700101T000000Z"
 * ```
 */
export async function resolveEvaluatorOutput(
  options:
    & Pick<
      TrainEvaluatorOptions,
      "dataset" | "seed" | "outDir" | "id" | "replaceShipped" | "weightsRoot"
    >
    & { data?: LoadOptions },
  now: Date = new Date(),
): Promise<EvaluatorOutput> {
  const { dataset, outDir, id } = options;
  const root = options.weightsRoot ?? defaultWeightsRoot();
  const shippedDir = defaultWeightsDir(dataset, root);
  const shippedId = await shippedEvaluatorId(dataset, root);
  const refuse = (problem: EvaluatorOutputProblem, message: string) =>
    new EvaluatorOutputError(problem, message, shippedDir, shippedId);
  if (id !== undefined && !ID_PATTERN.test(id)) {
    throw refuse(
      "bad-id",
      `evaluator id ${
        JSON.stringify(id)
      }: use letters, digits, '.', '_' and '-' (at most 100, starting with a letter or digit)`,
    );
  }
  if (
    id !== undefined && (id === shippedId || id === evaluatorIdFor(dataset))
  ) {
    throw refuse(
      "shipped-id",
      `evaluator id ${id} is the shipped ${dataset} evaluator's: retrained weights need a new id`,
    );
  }
  if (options.replaceShipped) {
    if (id === undefined) {
      throw refuse(
        "replace-needs-id",
        `replacing the shipped ${dataset} evaluator (${
          shippedId ?? "none yet"
        }) needs a new evaluator id`,
      );
    }
    if (outDir !== undefined && !isSameDir(outDir, shippedDir)) {
      throw refuse(
        "replace-elsewhere",
        `replacing the shipped ${dataset} evaluator writes to ${shippedDir}, not ${outDir}`,
      );
    }
    return { outDir: shippedDir, id, replacesShipped: true };
  }
  if (outDir !== undefined && isWithin(outDir, root)) {
    throw refuse(
      "shipped-dir",
      `${outDir} is inside the shipped evaluator weights (${root}); replacing them must be asked for explicitly`,
    );
  }
  const chosen = id ?? defaultEvaluatorId(dataset, options.seed ?? 1, now);
  return {
    outDir: outDir ??
      join(options.data?.cacheDir ?? DEFAULT_CACHE_DIR, "evaluators", chosen),
    id: chosen,
    replacesShipped: false,
  };
}

/** Whether two paths name the same directory. */
function isSameDir(a: string, b: string): boolean {
  return isWithin(a, b) && isWithin(b, a);
}

/** `ganbench-<dataset>-local-s<seed>-<YYYYMMDDTHHMMSSZ>`. */
function defaultEvaluatorId(dataset: string, seed: number, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  return `ganbench-${dataset}-local-s${seed}-${stamp}`;
}
