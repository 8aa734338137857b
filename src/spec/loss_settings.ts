/**
 * Checks of the cell settings that depend on the cell's loss, so that a
 * setting the trainer would refuse or ignore is reported before anything
 * runs: optimizer settings the kind in force does not read (the override's
 * kind, else the loss's default kind), `clip` on a loss that does not clip
 * weights, `gradientPenalty` on a loss without one, and `criticNorm:
 * "batchnorm"` with a gradient penalty, and a budget (`steps`, `evalEvery`,
 * `checkpointEvery` in its `budget` unit) that is not a whole number of G
 * steps under the loss's n_critic. The caller passes what it knows of
 * each loss (the loss registry's `getLoss` fits), so this module imports no
 * registry.
 *
 * @module
 */
import {
  ALL_OPTIMIZER_SETTINGS,
  isOptimizerKind,
  OPTIMIZER_SETTINGS,
} from "../losses/optimizer_settings.ts";
import { budgetProblems } from "../train/train_config.ts";
import type { Cell, CellConfig } from "./types.ts";

/** What the checks need to know of a loss (a registry `Loss` has it). */
export interface LossDefaults {
  /** The loss's default optimizer; `name` is its kind. */
  optimizer: { name: string };
  /** Present when the loss clips D's weights. */
  clip?: number;
  /** Present when the loss penalises D's gradient. */
  gradientPenalty?: number;
  /** D steps per G step (absent: 1). */
  nCritic?: number;
}

/** The problems of one cell's settings, without the cell id. */
function settingProblems(
  config: CellConfig,
  loss: string,
  defaults: (loss: string) => LossDefaults,
  lossIds: readonly string[],
): string[] {
  const own = defaults(loss);
  const others = (has: (l: LossDefaults) => boolean) => {
    const ids = lossIds.filter((id) => has(defaults(id)));
    return ids.length === 0
      ? "no loss does"
      : `losses that do: ${ids.join(", ")}`;
  };
  const out = budgetProblems(config, config.nCritic ?? own.nCritic ?? 1);
  if (config.clip !== undefined && own.clip === undefined) {
    out.push(
      `clip: ${loss} does not clip weights (${
        others((l) => l.clip !== undefined)
      })`,
    );
  }
  if (
    config.gradientPenalty !== undefined && own.gradientPenalty === undefined
  ) {
    out.push(
      `gradientPenalty: ${loss} has no gradient penalty (${
        others((l) => l.gradientPenalty !== undefined)
      })`,
    );
  }
  if (config.criticNorm === "batchnorm" && own.gradientPenalty !== undefined) {
    out.push(
      `criticNorm: batchnorm is refused with ${loss}: a gradient-penalty critic must not use BatchNorm (accepted: auto, layernorm, none)`,
    );
  }
  for (const side of ["d", "g"] as const) {
    const o = config.optimizer?.[side];
    if (!o) continue;
    const kind = o.kind ?? own.optimizer.name;
    if (!isOptimizerKind(kind)) continue;
    const reads = OPTIMIZER_SETTINGS[kind];
    const whose = o.kind === undefined ? `, the ${loss} default` : "";
    for (const key of ALL_OPTIMIZER_SETTINGS) {
      if (o[key] !== undefined && !reads.includes(key)) {
        out.push(
          `optimizer.${side}.${key}: not read by ${kind}${whose} (its settings: ${
            reads.join(", ")
          })`,
        );
      }
    }
  }
  return out;
}

/**
 * Lists the loss-dependent settings problems of `cells`, each once, naming
 * the first cell it occurs in and how many more share it.
 *
 * @param cells The expanded cells.
 * @param lossIds The known loss ids (cells of other losses are skipped).
 * @param defaults What each known loss does.
 * @returns One line per problem; empty when every setting is honoured.
 * @example
 * ```ts
 * import { findLossSettingProblems } from "./loss_settings.ts";
 * import { BUILTIN_CONFIG } from "./defaults.ts";
 * import assert from "node:assert/strict";
 * const losses = {
 *   ns: { optimizer: { name: "adam" } },
 *   wgan: { optimizer: { name: "rmsprop" }, clip: 0.01 },
 * };
 * const cell = (loss: "ns" | "wgan", seed: number) => ({
 *   id: `mnist-mlp-${loss}-s${seed}`, dataset: "mnist", variant: "mlp", loss, seed,
 *   config: { ...BUILTIN_CONFIG, clip: 0.05, optimizer: { d: { beta1: 0.5 } } },
 * });
 * const problems = findLossSettingProblems(
 *   [cell("ns", 0), cell("ns", 1), cell("wgan", 0)],
 *   ["ns", "wgan"],
 *   (id) => losses[id as "ns" | "wgan"],
 * );
 * assert.deepEqual(problems, [
 *   "mnist-mlp-ns-s0 and 1 more cell: clip: ns does not clip weights (losses that do: wgan)",
 *   "mnist-mlp-wgan-s0: optimizer.d.beta1: not read by rmsprop, the wgan default (its settings: learningRate, decay, epsilon)",
 * ]);
 * ```
 */
export function findLossSettingProblems(
  cells: readonly Cell[],
  lossIds: readonly string[],
  defaults: (loss: string) => LossDefaults,
): string[] {
  const found = new Map<string, { first: string; more: number }>();
  for (const cell of cells) {
    if (!lossIds.includes(cell.loss)) continue;
    for (
      const problem of settingProblems(
        cell.config,
        cell.loss,
        defaults,
        lossIds,
      )
    ) {
      const seen = found.get(problem);
      if (seen) seen.more++;
      else found.set(problem, { first: cell.id, more: 0 });
    }
  }
  return [...found].map(([problem, { first, more }]) =>
    more === 0
      ? `${first}: ${problem}`
      : `${first} and ${more} more cell${more === 1 ? "" : "s"}: ${problem}`
  );
}
