/**
 * Checks expanded cells against the ids the registries accept, without
 * importing the registries: the caller passes the accepted id lists and an
 * optional compatibility check. Every problem is reported at once, before
 * anything runs.
 *
 * @module
 */
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
}

/**
 * Lists every problem of `cells`: one entry per unknown data set, variant or
 * loss id (naming the accepted ids) and one per incompatible combination.
 *
 * @param cells The expanded cells.
 * @param accepted The accepted ids and the compatibility check.
 * @returns The problems, one line each; empty when every cell can run.
 * @example
 * ```ts
 * import { findCellProblems } from "./validate.ts";
 * findCellProblems(
 *   [{ id: "mnist-foo-ns-s0", dataset: "mnist", variant: "foo", loss: "ns", seed: 0, config: {} as never }],
 *   { datasets: ["mnist"], variants: ["mlp"], losses: ["ns"] },
 * ); // ["unknown variant 'foo' (accepted: mlp)"]
 * ```
 */
export function findCellProblems(
  cells: readonly Cell[],
  accepted: AcceptedIds,
): string[] {
  const problems: string[] = [];
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
 * validateCells([], { datasets: ["mnist"], variants: ["mlp"], losses: ["ns"] }); // no throw
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
