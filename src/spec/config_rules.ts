/**
 * The rules of a cell's settings, as a spec's `defaults` and
 * `overrides[].set` give them. Optimizer kinds and the settings each kind
 * reads come from the trainer's own list (`losses/optimizer_settings.ts`), so
 * a spec cannot name a kind the trainer does not build or a setting the
 * chosen kind ignores.
 *
 * @module
 */
import {
  ALL_OPTIMIZER_SETTINGS,
  isOptimizerKind,
  OPTIMIZER_KINDS,
  OPTIMIZER_SETTINGS,
  type OptimizerSetting,
} from "../losses/optimizer_settings.ts";
import {
  checkKeys,
  checkRule,
  describe,
  isObject,
  type Problems,
  type Rule,
} from "./schema.ts";
import type { CellConfig, ConfigPatch, OptimizerOverride } from "./types.ts";
import { BUDGET_UNITS } from "../train/train_config.ts";

/**
 * A settings rule: a plain rule, the D / G optimizer overrides, or the
 * evaluator (`default` or a file path, which may hold `/`).
 */
type ConfigRule = Rule | { kind: "optimizer" } | { kind: "evaluator" };

/** Rules of every {@linkcode CellConfig} key, in documentation order. */
const CONFIG_RULES: Record<keyof CellConfig, ConfigRule> = {
  steps: { kind: "int", min: 1 },
  budget: { kind: "choice", choices: BUDGET_UNITS },
  batchSize: { kind: "int", min: 1 },
  evalEvery: { kind: "int", min: 1 },
  checkpointEvery: { kind: "int", min: 0 },
  nEval: { kind: "int", min: 2 },
  nEquilibrium: { kind: "int", min: 2 },
  nNeighbour: { kind: "int", min: 1 },
  nNeighbourPool: { kind: "int", min: 1 },
  nSsimPairs: { kind: "int", min: 1 },
  kidSubsets: { kind: "int", min: 1 },
  kidSubsetSize: { kind: "int", min: 2 },
  isSplits: { kind: "int", min: 1 },
  gridSize: { kind: "int", min: 1 },
  nReal: { kind: "int", min: 2 },
  singularFid: { kind: "choice", choices: ["refuse", "warn"] },
  memorisation: { kind: "choice", choices: ["on", "off"] },
  criticNorm: {
    kind: "choice",
    choices: ["auto", "batchnorm", "layernorm", "none"],
  },
  evaluator: { kind: "evaluator" },
  nCritic: { kind: "int", min: 1 },
  gradientPenalty: { kind: "number", min: 0 },
  clip: { kind: "number", min: 0, exclusiveMin: true },
  optimizer: { kind: "optimizer" },
  gEma: { kind: "number", min: 0, below: 1 },
};

/** Ranges of the optimizer settings; the keys are exactly the trainer's. */
const SETTING_RULES: Record<OptimizerSetting, Rule> = {
  learningRate: { kind: "number", min: 0, exclusiveMin: true },
  beta1: { kind: "number", min: 0, below: 1 },
  beta2: { kind: "number", min: 0, below: 1 },
  epsilon: { kind: "number", min: 0, exclusiveMin: true },
  decay: { kind: "number", min: 0, below: 1 },
};

/** Compile-time check: the spec type names the same settings as the trainer. */
type SameKeys<A, B> = [A] extends [B] ? [B] extends [A] ? true : false
  : false;
const _settingsMatch: SameKeys<
  Exclude<keyof OptimizerOverride, "kind">,
  OptimizerSetting
> = true;

/** The keys an optimizer override accepts. */
const OPTIMIZER_KEYS: readonly string[] = ["kind", ...ALL_OPTIMIZER_SETTINGS];

/**
 * The keys a {@linkcode CellConfig} accepts, in documentation order.
 *
 * @example
 * ```ts
 * import { CONFIG_KEYS } from "./config_rules.ts";
 * import assert from "node:assert/strict";
 * assert.equal(CONFIG_KEYS[0], "steps");
 * assert.ok(CONFIG_KEYS.includes("optimizer"));
 * ```
 */
export const CONFIG_KEYS: readonly string[] = Object.keys(CONFIG_RULES);

/**
 * Checks one side's optimizer override: known keys, a kind the trainer
 * builds, settings in range, and — when the override names its kind — only
 * settings that kind reads.
 */
function checkOptimizer(
  opt: Record<string, unknown>,
  path: string,
  problems: Problems,
): void {
  checkKeys(opt, OPTIMIZER_KEYS, path, problems);
  if (opt.kind !== undefined) {
    checkRule(
      opt.kind,
      { kind: "choice", choices: OPTIMIZER_KINDS },
      `${path}.kind`,
      problems,
    );
  }
  for (const key of ALL_OPTIMIZER_SETTINGS) {
    if (opt[key] !== undefined) {
      checkRule(opt[key], SETTING_RULES[key], `${path}.${key}`, problems);
    }
  }
  if (!isOptimizerKind(opt.kind)) return;
  const reads = OPTIMIZER_SETTINGS[opt.kind];
  for (const key of ALL_OPTIMIZER_SETTINGS) {
    if (opt[key] !== undefined && !reads.includes(key)) {
      problems.add(
        `${path}.${key}`,
        `not read by ${opt.kind} (its settings: ${reads.join(", ")})`,
      );
    }
  }
}

function checkOptimizers(
  value: unknown,
  path: string,
  problems: Problems,
): boolean {
  if (!isObject(value)) {
    problems.add(path, `expected an object { d?, g? }, got ${describe(value)}`);
    return false;
  }
  const before = problems.list.length;
  checkKeys(value, ["d", "g"], path, problems);
  for (const side of ["d", "g"] as const) {
    const opt = value[side];
    if (opt === undefined) continue;
    if (!isObject(opt)) {
      problems.add(
        `${path}.${side}`,
        `expected an object, got ${describe(opt)}`,
      );
      continue;
    }
    checkOptimizer(opt, `${path}.${side}`, problems);
  }
  return problems.list.length === before;
}

/** Control characters, which no evaluator path may hold. */
// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/;

/**
 * Checks the evaluator setting: `default`, `inception` / `inception-tf1` (the
 * FID Inception-v3 in either input convention) or the path of an evaluator file.
 * A path is no id (it has `/`), but it is never empty nor holds control
 * characters, so it stays one line in messages and manifests.
 */
function checkEvaluator(
  value: unknown,
  path: string,
  problems: Problems,
): boolean {
  if (typeof value === "string" && value !== "" && !CONTROL.test(value)) {
    return true;
  }
  problems.add(
    path,
    `expected "default", "inception", "inception-tf1" or an evaluator file path, got ${
      describe(value)
    }`,
  );
  return false;
}

/**
 * Checks a settings patch (a spec's `defaults` or an override's `set`).
 *
 * @param value The value that should be the patch.
 * @param path Its key path, e.g. `overrides[0].set`.
 * @param problems Where problems go.
 * @returns The valid settings (a copy; invalid ones left out).
 * @example
 * ```ts
 * import { checkConfigPatch } from "./config_rules.ts";
 * import { Problems } from "./schema.ts";
 * import assert from "node:assert/strict";
 * const problems = new Problems();
 * checkConfigPatch({ steps: 5, optimizer: { d: { kind: "sgd" } } }, "defaults", problems);
 * assert.deepEqual(problems.list, [
 *   'defaults.optimizer.d.kind: expected one of adam, rmsprop, got "sgd"',
 * ]);
 * ```
 */
export function checkConfigPatch(
  value: unknown,
  path: string,
  problems: Problems,
): ConfigPatch {
  if (!isObject(value)) {
    problems.add(path, `expected an object, got ${describe(value)}`);
    return {};
  }
  checkKeys(value, CONFIG_KEYS, path, problems);
  const patch: Record<string, unknown> = {};
  for (const [key, rule] of Object.entries(CONFIG_RULES)) {
    if (value[key] === undefined) continue;
    const keyPath = `${path}.${key}`;
    const ok = rule.kind === "optimizer"
      ? checkOptimizers(value[key], keyPath, problems)
      : rule.kind === "evaluator"
      ? checkEvaluator(value[key], keyPath, problems)
      : checkRule(value[key], rule, keyPath, problems);
    if (ok) patch[key] = structuredClone(value[key]);
  }
  return patch as ConfigPatch;
}
