/**
 * Sizes a cell draws from its data set's splits — the batch size and the
 * evaluation's `nEval` (real train images for `fid_floor`) and
 * `nEquilibrium` (real train and test images for D's outputs) — checked
 * against the split sizes before anything loads, instead of failing once
 * the data set is loaded or training has begun.
 *
 * @module
 */
import type { Cell } from "./types.ts";

/** Images in a data set's train and test splits. */
export interface SplitSizes {
  /** Train split images. */
  train: number;
  /** Test split images. */
  test: number;
}

/** The settings checked, with the splits each draws from. */
const DRAWS: readonly [
  "batchSize" | "nEval" | "nEquilibrium" | "nReal",
  ("train" | "test")[],
][] = [
  ["batchSize", ["train"]],
  ["nEval", ["train"]],
  ["nEquilibrium", ["train", "test"]],
  ["nReal", ["test"]],
];

/**
 * Lists every setting larger than the split it draws from: one line per
 * (data set, setting, value), naming the first cell and how many more.
 *
 * @param cells The expanded cells.
 * @param splitsOf The split sizes of a data set id (undefined: unknown, not
 *   checked).
 * @returns The problems, one line each; empty when every size fits.
 * @example
 * ```ts
 * import { findSplitSizeProblems } from "./split_sizes.ts";
 * import { BUILTIN_CONFIG } from "./defaults.ts";
 * import assert from "node:assert/strict";
 * const cell = (seed: number) => ({
 *   id: `tiny-mlp-ns-s${seed}`, dataset: "tiny", variant: "mlp", loss: "ns", seed,
 *   config: { ...BUILTIN_CONFIG, batchSize: 600, nEval: 100, nEquilibrium: 50 },
 * });
 * assert.deepEqual(
 *   findSplitSizeProblems([cell(0), cell(1)], () => ({ train: 500, test: 100 })),
 *   ["tiny-mlp-ns-s0 and 1 more cell: batchSize 600 exceeds the tiny train split (500 images)"],
 * );
 * ```
 */
export function findSplitSizeProblems(
  cells: readonly Cell[],
  splitsOf: (dataset: string) => SplitSizes | undefined,
): string[] {
  const found = new Map<string, { first: string; more: number }>();
  for (const cell of cells) {
    const splits = splitsOf(cell.dataset);
    if (!splits) continue;
    for (const [key, from] of DRAWS) {
      const value = cell.config[key];
      if (value === undefined) continue;
      const split = from.find((s) => value > splits[s]);
      if (split === undefined) continue;
      const text =
        `${key} ${value} exceeds the ${cell.dataset} ${split} split (${
          splits[split]
        } images)`;
      const entry = found.get(text);
      if (entry) entry.more++;
      else found.set(text, { first: cell.id, more: 0 });
    }
  }
  return [...found].map(([text, { first, more }]) =>
    `${first}${
      more > 0 ? ` and ${more} more cell${more === 1 ? "" : "s"}` : ""
    }: ${text}`
  );
}
