/**
 * The settings of translation cells (a spec's `tasks` × `objectives` form):
 * the built-in values, the rules a `defaults` or `overrides[].set` patch is
 * checked against, and how patches combine. The keys shared with the zoo's
 * `CellConfig` mean the same; the zoo-only keys (n_critic, optimizers, the
 * zoo's evaluation sizes, …) are refused here with one line each.
 *
 * @module
 */
import { BUILTIN_CONFIG } from "./defaults.ts";
import {
  checkKeys,
  checkRule,
  describe,
  isObject,
  type Problems,
  type Rule,
} from "./schema.ts";
import type {
  CellConfig,
  ConfigPatch,
  TranslationCellConfig,
} from "./types.ts";

/**
 * The settings of a translation cell that neither `defaults` nor an
 * override set. Batch 16 (pix2pix trains with 1; 16 keeps a CPU step
 * efficient), λ = 100, PatchGAN n_layers 2 (34×34 receptive field).
 *
 * @example
 * ```ts
 * import { TRANSLATION_BUILTIN } from "./translation_config.ts";
 * import assert from "node:assert/strict";
 * assert.equal(TRANSLATION_BUILTIN.batchSize, 16);
 * assert.equal(TRANSLATION_BUILTIN.l1Weight, 100);
 * ```
 */
export const TRANSLATION_BUILTIN: Readonly<TranslationCellConfig> = Object
  .freeze({
    steps: 1000,
    budget: "g-steps",
    batchSize: 16,
    evalEvery: 500,
    checkpointEvery: 500,
    nEval: 1000,
    gridSize: 8,
    evaluator: "default",
    l1Weight: 100,
    nLayers: 2,
    widthMultiplier: 1,
  });

/** Rules of every translation key. */
const RULES: Record<keyof TranslationCellConfig, Rule> = {
  steps: { kind: "int", min: 1 },
  budget: { kind: "choice", choices: ["g-steps", "d-steps"] },
  batchSize: { kind: "int", min: 1 },
  evalEvery: { kind: "int", min: 1 },
  checkpointEvery: { kind: "int", min: 0 },
  nEval: { kind: "int", min: 2 },
  gridSize: { kind: "int", min: 1 },
  evaluator: { kind: "choice", choices: ["default"] },
  l1Weight: { kind: "number", min: 0 },
  nLayers: { kind: "int", min: 1 },
  widthMultiplier: { kind: "number", min: 0, exclusiveMin: true },
};

/** The keys a translation patch accepts. */
export const TRANSLATION_KEYS: readonly string[] = Object.keys(RULES);

/**
 * Checks a translation settings patch (`defaults` or `overrides[].set` of a
 * translation spec), recording every problem under its key path.
 *
 * @param value The parsed JSON value.
 * @param path Its key path, e.g. `defaults`.
 * @param problems Where problems go.
 * @returns The valid keys of the patch.
 * @example
 * ```ts
 * import { checkTranslationPatch } from "./translation_config.ts";
 * import { Problems } from "./schema.ts";
 * import assert from "node:assert/strict";
 * const problems = new Problems();
 * checkTranslationPatch({ steps: 20, budget: "d-images", nCritic: 5 }, "defaults", problems);
 * assert.deepEqual(problems.list, [
 *   "defaults.nCritic: unknown key (accepted: steps, budget, batchSize, evalEvery, checkpointEvery, nEval, gridSize, evaluator, l1Weight, nLayers, widthMultiplier)",
 *   "defaults.budget: d-images is not a translation budget: each step is one G and one D update on one batch (use g-steps)",
 * ]);
 * ```
 */
export function checkTranslationPatch(
  value: unknown,
  path: string,
  problems: Problems,
): ConfigPatch {
  if (!isObject(value)) {
    problems.add(path, `expected an object, got ${describe(value)}`);
    return {};
  }
  checkKeys(value, TRANSLATION_KEYS, path, problems);
  const patch: Record<string, unknown> = {};
  for (const [key, rule] of Object.entries(RULES)) {
    const v = value[key];
    if (v === undefined) continue;
    if (key === "budget" && v === "d-images") {
      problems.add(
        `${path}.budget`,
        "d-images is not a translation budget: each step is one G and one D update on one batch (use g-steps)",
      );
      continue;
    }
    if (checkRule(v, rule, `${path}.${key}`, problems)) patch[key] = v;
  }
  return patch as ConfigPatch;
}

/**
 * Applies a patch to translation settings (the patch's translation keys
 * replace; others are ignored). Neither input is modified.
 *
 * @param base The settings so far.
 * @param patch The settings to apply.
 * @returns New settings.
 * @example
 * ```ts
 * import { mergeTranslationConfig, TRANSLATION_BUILTIN } from "./translation_config.ts";
 * import assert from "node:assert/strict";
 * const c = mergeTranslationConfig(TRANSLATION_BUILTIN, { steps: 20, l1Weight: 10 });
 * assert.equal(c.steps, 20);
 * assert.equal(c.l1Weight, 10);
 * assert.equal(c.batchSize, 16);
 * ```
 */
export function mergeTranslationConfig(
  base: Readonly<TranslationCellConfig>,
  patch: ConfigPatch,
): TranslationCellConfig {
  const out = { ...base } as Record<string, unknown>;
  for (const key of TRANSLATION_KEYS) {
    const v = (patch as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = v;
  }
  return out as unknown as TranslationCellConfig;
}

/**
 * The zoo view of translation settings: the built-in zoo settings with the
 * shared keys replaced (what `Cell.config` holds for a translation cell).
 *
 * @param config The translation settings.
 * @returns A full zoo config.
 * @example
 * ```ts
 * import { TRANSLATION_BUILTIN, zooView } from "./translation_config.ts";
 * import assert from "node:assert/strict";
 * assert.equal(zooView(TRANSLATION_BUILTIN).batchSize, 16);
 * assert.equal(zooView(TRANSLATION_BUILTIN).budget, "g-steps");
 * ```
 */
export function zooView(config: TranslationCellConfig): CellConfig {
  return {
    ...BUILTIN_CONFIG,
    steps: config.steps,
    budget: config.budget,
    batchSize: config.batchSize,
    evalEvery: config.evalEvery,
    checkpointEvery: config.checkpointEvery,
    nEval: config.nEval,
    gridSize: config.gridSize,
    evaluator: config.evaluator,
  };
}
