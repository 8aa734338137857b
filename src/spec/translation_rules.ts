/**
 * The checks of translation cells before anything runs: unknown tasks and
 * objectives (naming the accepted ids), settings the objective cannot use,
 * a PatchGAN too deep for the task's image size, and sizes larger than the
 * source data set's splits. Every problem is one line, reported once.
 *
 * @module
 */
import { DATASET_REGISTRY } from "../data/registry.ts";
import {
  isPairTaskId,
  PAIR_TASK_IDS,
  PAIR_TASKS,
} from "../data/pairs/registry.ts";
import { patchMapSize } from "../models/translation/patch_discriminator.ts";
import { TRANSLATION_OBJECTIVES } from "../train/translation_step.ts";
import type { Cell } from "./types.ts";

/**
 * Lists every problem of translation cells (cells without translation
 * settings are ignored).
 *
 * @param cells Expanded cells.
 * @returns One line per problem; empty when every cell can run.
 * @example
 * ```ts
 * import { findTranslationProblems } from "./translation_rules.ts";
 * import { expandTranslationSpec } from "./translation_expand.ts";
 * import assert from "node:assert/strict";
 * const cells = expandTranslationSpec({
 *   name: "t", datasets: [], variants: [], losses: [], include: [], exclude: [],
 *   tasks: ["inpaint-mnist", "colorize-svhn"], objectives: ["l1", "l1-gan"],
 *   seeds: [0], defaults: {}, overrides: [],
 * });
 * assert.deepEqual(findTranslationProblems(cells), [
 *   "unknown task 'colorize-svhn' (accepted: colorize-cifar10, superres4-cifar10, inpaint-mnist, edges2fashion)",
 *   "unknown objective 'l1-gan' (accepted: l1, l1-lsgan, l1-bce, gan-lsgan, gan-bce)",
 * ]);
 * ```
 */
export function findTranslationProblems(cells: readonly Cell[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const once = (text: string) => {
    if (!seen.has(text)) {
      seen.add(text);
      problems.push(text);
    }
  };
  const objectives: readonly string[] = TRANSLATION_OBJECTIVES;
  for (const cell of cells) {
    if (!isPairTaskId(cell.dataset)) {
      once(
        `unknown task '${cell.dataset}' (accepted: ${
          PAIR_TASK_IDS.join(", ")
        })`,
      );
    }
  }
  for (const cell of cells) {
    if (!objectives.includes(cell.loss)) {
      once(
        `unknown objective '${cell.loss}' (accepted: ${objectives.join(", ")})`,
      );
    }
  }
  for (const cell of cells) {
    const c = cell.translation;
    if (!c || !isPairTaskId(cell.dataset) || !objectives.includes(cell.loss)) {
      continue;
    }
    const task = PAIR_TASKS[cell.dataset].task;
    const splits = DATASET_REGISTRY[task.source].splits;
    const where = `${cell.dataset} × ${cell.loss}`;
    if (cell.loss === "l1" && c.l1Weight === 0) {
      once(`${where}: objective l1 needs l1Weight > 0 (got 0)`);
    }
    const side = task.targetShape.height;
    if (cell.loss !== "l1" && patchMapSize(side, c.nLayers) < 1) {
      once(
        `${where}: nLayers ${c.nLayers} leaves no PatchGAN map at ${side}×${side}`,
      );
    }
    if (c.batchSize > splits.train) {
      once(
        `${where}: batchSize ${c.batchSize} exceeds the ${task.source} train split (${splits.train} images)`,
      );
    }
    if (c.nEval > splits.test) {
      once(
        `${where}: nEval ${c.nEval} exceeds the ${task.source} test split (${splits.test} images)`,
      );
    }
    if (c.gridSize > c.nEval) {
      once(
        `${where}: gridSize ${c.gridSize} exceeds nEval ${c.nEval} (the grid shows evaluated test pairs)`,
      );
    }
  }
  return problems;
}
