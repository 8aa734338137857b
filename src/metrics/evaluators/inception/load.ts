/**
 * Loading the FID Inception-v3 evaluator from its weight file: find the file
 * (a path, `GANBENCH_INCEPTION_WEIGHTS`, the cache, else a verified download),
 * read the PyTorch state dict, build the network and wrap it in an
 * {@linkcode InceptionEvaluator} whose id and checksum say which weights and
 * which input convention made every number.
 *
 * @module
 */
import { formulaStateDict } from "./formula_weights.ts";
import {
  createInceptionEvaluator,
  INCEPTION_EVALUATOR_ID,
  type InceptionEvaluator,
} from "./evaluator.ts";
import type { InceptionConvention } from "./resize.ts";
import { readTorchFile } from "./torch_file.ts";
import {
  findInceptionWeights,
  type FindInceptionWeightsOptions,
  INCEPTION_WEIGHTS_SHA256,
} from "./weights_file.ts";

/**
 * The weights value that builds the network from the deterministic formula
 * of the structural test instead of a file: the pipeline runs end to end,
 * but the numbers are not FID (their id says so).
 */
export const FORMULA_WEIGHTS = "formula";

/**
 * The `evaluator` settings of a spec (and `bench --evaluator`) that choose the
 * FID Inception-v3, and the input convention each stands for.
 */
export const INCEPTION_SETTINGS = {
  inception: "pytorch",
  "inception-tf1": "tf1",
} as const satisfies Record<string, InceptionConvention>;

/** An `evaluator` setting that chooses the FID Inception-v3. */
export type InceptionSetting = keyof typeof INCEPTION_SETTINGS;

/**
 * Whether an `evaluator` setting chooses the FID Inception-v3.
 *
 * @param setting The setting (`default`, `inception`, `inception-tf1` or a path).
 * @returns True for `inception` and `inception-tf1`.
 * @example
 * ```ts
 * import { isInceptionSetting } from "./load.ts";
 * isInceptionSetting("inception-tf1"); // true
 * isInceptionSetting("models/evaluator.json"); // false
 * ```
 */
export function isInceptionSetting(
  setting: string,
): setting is InceptionSetting {
  return Object.hasOwn(INCEPTION_SETTINGS, setting);
}

/** Id stem of evaluators built from {@linkcode FORMULA_WEIGHTS}. */
export const FORMULA_EVALUATOR_ID = "inception-formula-test";

/** Options of {@linkcode loadInceptionEvaluator}. */
export interface LoadInceptionOptions extends FindInceptionWeightsOptions {
  /** Input convention (default `pytorch`). */
  convention?: InceptionConvention;
  /** Images per forward pass (default 16). */
  batchSize?: number;
}

/**
 * Loads the FID Inception-v3 evaluator.
 *
 * The id is `inception-fid-2015-12-05/<convention>` when the weight file is
 * pytorch-fid's (its SHA-256 matches); any other file gets
 * `inception-v3-<first 12 hex of its sha256>/<convention>`, and the formula
 * weights {@linkcode FORMULA_EVALUATOR_ID}. The checksum covers the file's
 * SHA-256 and the convention.
 *
 * @param options Where the weights are (`path` may be {@linkcode FORMULA_WEIGHTS}),
 *   the cache directory, the convention and the batch size.
 * @returns The evaluator; dispose it.
 * @throws Error when the file is missing and cannot be downloaded (saying where
 *   to put it), is not a PyTorch state dict, or lacks a weight of the network.
 * @example
 * ```ts ignore
 * import { loadInceptionEvaluator } from "./load.ts";
 * const ev = await loadInceptionEvaluator({ convention: "tf1" });
 * ev.id; // "inception-fid-2015-12-05/tf1"
 * ev.dispose();
 * ```
 */
export async function loadInceptionEvaluator(
  options: LoadInceptionOptions = {},
): Promise<InceptionEvaluator> {
  const convention = options.convention ?? "pytorch";
  const batchSize = options.batchSize;
  if (options.path === FORMULA_WEIGHTS) {
    return createInceptionEvaluator(formulaStateDict(), {
      convention,
      batchSize,
      weightsMd5: FORMULA_WEIGHTS,
      source: "formula weights",
      idStem: FORMULA_EVALUATOR_ID,
    });
  }
  const file = await findInceptionWeights(options);
  const weights = await readTorchFile(file.path);
  const isFidFile = file.sha256 === INCEPTION_WEIGHTS_SHA256;
  return createInceptionEvaluator(weights, {
    convention,
    batchSize,
    weightsMd5: file.sha256,
    source: file.path,
    idStem: isFidFile
      ? INCEPTION_EVALUATOR_ID
      : `inception-v3-${file.sha256.slice(0, 12)}`,
  });
}
