/**
 * Checks expanded cells against the ids the registries accept, without
 * importing the registries: the caller passes the accepted id lists, an
 * optional compatibility check and optionally what each loss does (for the
 * settings checks of `loss_settings.ts`). Every problem is reported at once,
 * before anything runs.
 *
 * @module
 */
import { findLossSettingProblems, type LossDefaults } from "./loss_settings.ts";
import { findSplitSizeProblems, type SplitSizes } from "./split_sizes.ts";
import { findTranslationProblems } from "./translation_rules.ts";
import type { Cell } from "./types.ts";

/** What {@linkcode validateCells} accepts. */
export interface AcceptedIds {
  /** Known data set ids. */
  datasets: readonly string[];
  /** Known variant ids. */
  variants: readonly string[];
  /** Known loss ids. */
  losses: readonly string[];
  /**
   * Whether a known (variant, loss, data set) combination can run.
   *
   * @returns `null` when it can, else one short reason (e.g.
   *   `patchgan needs images of at least 16×16`).
   */
  isCompatible?: (
    variant: string,
    loss: string,
    dataset: string,
  ) => string | null;
  /**
   * What a known loss does (its default optimizer, whether it clips weights
   * or penalises gradients, its n_critic); with it, settings that the loss
   * would refuse or ignore, and budgets that are no whole number of G steps,
   * are problems too. The loss registry's `getLoss` fits.
   */
  lossDefaults?: (loss: string) => LossDefaults;
  /**
   * The split sizes of a known data set; with it, a batch size or an
   * evaluation size larger than the split it draws from is a problem too
   * (see `split_sizes.ts`).
   */
  splitSizes?: (dataset: string) => SplitSizes | undefined;
}

/**
 * Lists every problem of `cells`: one entry per unknown data set, variant or
 * loss id (naming the accepted ids), one per incompatible combination, and
 * one per setting the cell's loss would refuse or ignore or budget count
 * that is no whole number of G steps under its n_critic (with
 * `lossDefaults`), and one per size larger than its data set's split (with
 * `splitSizes`). Translation cells are checked by `findTranslationProblems`
 * instead (their tasks, objectives and sizes), whatever `accepted` says.
 *
 * @param all The expanded cells.
 * @param accepted The accepted ids and the compatibility check.
 * @returns The problems, one line each; empty when every cell can run.
 * @example
 * ```ts
 * import { findCellProblems } from "./validate.ts";
 * import { BUILTIN_CONFIG } from "./defaults.ts";
 * import assert from "node:assert/strict";
 * const cell = (variant: string) => ({
 *   id: `mnist-${variant}-ns-s0`, dataset: "mnist", variant, loss: "ns", seed: 0,
 *   config: { ...BUILTIN_CONFIG, gradientPenalty: 10 },
 * });
 * const problems = findCellProblems([cell("foo"), cell("mlp")], {
 *   datasets: ["mnist"], variants: ["mlp"], losses: ["ns"],
 *   lossDefaults: () => ({ optimizer: { name: "adam" } }),
 * });
 * assert.deepEqual(problems, [
 *   "unknown variant 'foo' (accepted: mlp)",
 *   "mnist-foo-ns-s0 and 1 more cell: gradientPenalty: ns has no gradient penalty (no loss does)",
 * ]);
 * ```
 */
export function findCellProblems(
  all: readonly Cell[],
  accepted: AcceptedIds,
): string[] {
  // Translation cells have their own ids and rules (translation_rules.ts).
  const problems = findTranslationProblems(
    all.filter((c) => c.translation !== undefined),
  );
  const cells = all.filter((c) => c.translation === undefined);
  const unknown = (
    axis: "dataset" | "variant" | "loss",
    known: readonly string[],
  ) => {
    const reported = new Set<string>();
    for (const cell of cells) {
      const value = cell[axis];
      if (!known.includes(value) && !reported.has(value)) {
        reported.add(value);
        problems.push(
          `unknown ${axis} '${value}' (accepted: ${known.join(", ")})`,
        );
      }
    }
  };
  unknown("dataset", accepted.datasets);
  unknown("variant", accepted.variants);
  unknown("loss", accepted.losses);
  if (accepted.isCompatible) {
    const reported = new Set<string>();
    for (const cell of cells) {
      if (
        !accepted.datasets.includes(cell.dataset) ||
        !accepted.variants.includes(cell.variant) ||
        !accepted.losses.includes(cell.loss)
      ) continue;
      const key = `${cell.dataset}-${cell.variant}-${cell.loss}`;
      if (reported.has(key)) continue;
      reported.add(key);
      const reason = accepted.isCompatible(
        cell.variant,
        cell.loss,
        cell.dataset,
      );
      if (reason !== null) {
        problems.push(
          `${cell.variant} × ${cell.loss} on ${cell.dataset}: ${reason}`,
        );
      }
    }
  }
  if (accepted.lossDefaults) {
    problems.push(
      ...findLossSettingProblems(cells, accepted.losses, accepted.lossDefaults),
    );
  }
  if (accepted.splitSizes) {
    problems.push(...findSplitSizeProblems(cells, accepted.splitSizes));
  }
  return problems;
}

/**
 * Throws when any cell is invalid, listing every problem at once.
 *
 * @param cells The expanded cells.
 * @param accepted The accepted ids and the compatibility check.
 * @throws Error `N invalid cell settings: <problem>; <problem>; …` (one line).
 * @example
 * ```ts
 * import { validateCells } from "./validate.ts";
 * import { expandSpec } from "./expand.ts";
 * import assert from "node:assert/strict";
 * const cells = expandSpec({
 *   name: "t", datasets: ["mnist"], variants: ["mlp"], losses: ["ns"],
 *   seeds: [0], defaults: {}, overrides: [], include: [], exclude: [],
 * });
 * const accepted = { datasets: ["mnist"], variants: ["mlp"], losses: ["ns"] };
 * validateCells(cells, accepted); // no throw
 * assert.throws(
 *   () => validateCells(cells, { ...accepted, losses: ["hinge"] }),
 *   /^Error: invalid matrix \(1 problem\): unknown loss 'ns' \(accepted: hinge\)$/,
 * );
 * ```
 */
export function validateCells(
  cells: readonly Cell[],
  accepted: AcceptedIds,
): void {
  const problems = findCellProblems(cells, accepted);
  if (problems.length > 0) {
    throw new Error(
      `invalid matrix (${problems.length} problem${
        problems.length === 1 ? "" : "s"
      }): ${problems.join("; ")}`,
    );
  }
}
