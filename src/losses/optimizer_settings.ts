/**
 * The optimizer kinds the trainer builds and the settings each kind reads:
 * the one list that `createOptimizer` (in `optimizers.ts`) and the matrix
 * spec's checks share. Kept free of TF.js so that spec parsing stays light.
 *
 * @module
 */

/** The optimizer kinds that `createOptimizer` builds. */
export const OPTIMIZER_KINDS = ["adam", "rmsprop"] as const;

/** One of {@linkcode OPTIMIZER_KINDS}. */
export type OptimizerKind = typeof OPTIMIZER_KINDS[number];

/** A numeric optimizer setting that at least one kind reads. */
export type OptimizerSetting =
  | "learningRate"
  | "beta1"
  | "beta2"
  | "epsilon"
  | "decay";

/**
 * The settings each kind reads; a kind ignores every other setting (RMSProp
 * runs without momentum, so there is no `momentum` setting).
 */
export const OPTIMIZER_SETTINGS: Readonly<
  Record<OptimizerKind, readonly OptimizerSetting[]>
> = Object.freeze({
  adam: ["learningRate", "beta1", "beta2", "epsilon"],
  rmsprop: ["learningRate", "decay", "epsilon"],
});

/**
 * Every setting some kind reads, in documentation order.
 *
 * @example
 * ```ts
 * import { ALL_OPTIMIZER_SETTINGS } from "./optimizer_settings.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(ALL_OPTIMIZER_SETTINGS, ["learningRate", "beta1", "beta2", "epsilon", "decay"]);
 * ```
 */
export const ALL_OPTIMIZER_SETTINGS: readonly OptimizerSetting[] = [
  ...new Set(Object.values(OPTIMIZER_SETTINGS).flat()),
];

/**
 * Whether `value` names an optimizer kind the trainer builds.
 *
 * @param value Anything.
 * @returns True for one of {@linkcode OPTIMIZER_KINDS}.
 * @example
 * ```ts
 * import { isOptimizerKind } from "./optimizer_settings.ts";
 * import assert from "node:assert/strict";
 * assert.equal(isOptimizerKind("rmsprop"), true);
 * assert.equal(isOptimizerKind("sgd"), false);
 * ```
 */
export function isOptimizerKind(value: unknown): value is OptimizerKind {
  return (OPTIMIZER_KINDS as readonly unknown[]).includes(value);
}
