/**
 * What a cell's settings mean to the trainer and to the evaluation suite:
 * its {@linkcode TrainConfig} and its {@linkcode EvaluationSizes}.
 *
 * @module
 */
import type { Cell, EvaluationSizes } from "../spec/types.ts";
import type { TrainConfig } from "../train/trainer.ts";
import { gStepCounts } from "../train/train_config.ts";
import { getLoss } from "../losses/registry.ts";

/**
 * The trainer settings of a cell, its budget converted from the spec's
 * `budget` unit to G steps.
 *
 * @param cell The cell.
 * @returns Its {@linkcode TrainConfig}.
 * @throws Error `<cell>: steps … is not a multiple of nCritic …` when the
 *   budget is not a whole number of G steps (checked before a run by
 *   `validateCells`).
 * @example
 * ```ts
 * import type { Cell } from "../spec/types.ts";
 * import { trainConfig } from "./cell_settings.ts";
 * declare const cell: Cell;
 * const steps: number = trainConfig(cell).steps;
 * ```
 */
export function trainConfig(cell: Cell): TrainConfig {
  const c = cell.config;
  const optimizer = (o?: { kind?: string } & Record<string, unknown>) => {
    if (!o) return undefined;
    const { kind, ...rest } = o;
    return kind ? { name: kind as "adam" | "rmsprop", ...rest } : rest;
  };
  // A recorded config from before `budget` existed counted G steps.
  const nCritic = c.nCritic ?? getLoss(cell.loss).nCritic;
  const counts = gStepCounts(
    cell.id,
    { ...c, budget: c.budget ?? "g-steps" },
    nCritic,
  );
  return {
    ...counts,
    batchSize: c.batchSize,
    seed: cell.seed,
    nCritic: c.nCritic,
    gradientPenalty: c.gradientPenalty,
    clip: c.clip,
    gEma: c.gEma,
    criticNorm: c.criticNorm === "auto" ? undefined : c.criticNorm,
    dOptimizer: optimizer(
      c.optimizer?.d as Record<string, unknown> | undefined,
    ),
    gOptimizer: optimizer(
      c.optimizer?.g as Record<string, unknown> | undefined,
    ),
  };
}

/**
 * The evaluation sizes of a cell (the neighbour count never exceeds the
 * generated images).
 *
 * @param cell The cell.
 * @returns Its {@linkcode EvaluationSizes}.
 * @example
 * ```ts
 * import type { Cell } from "../spec/types.ts";
 * import { evaluationSizes } from "./cell_settings.ts";
 * declare const cell: Cell;
 * const nEval: number = evaluationSizes(cell).nEval;
 * ```
 */
export function evaluationSizes(
  cell: Pick<Cell, "config">,
): EvaluationSizes {
  const c = cell.config;
  return {
    nEval: c.nEval,
    nEquilibrium: c.nEquilibrium,
    nNeighbour: Math.min(c.nNeighbour, c.nEval),
    nNeighbourPool: c.nNeighbourPool,
    nSsimPairs: c.nSsimPairs,
    kidSubsets: c.kidSubsets,
    kidSubsetSize: c.kidSubsetSize,
    isSplits: c.isSplits,
    gridSize: c.gridSize,
    ...(c.nReal !== undefined ? { nReal: c.nReal } : {}),
    ...(c.singularFid !== undefined ? { singularFid: c.singularFid } : {}),
    ...(c.memorisation !== undefined ? { memorisation: c.memorisation } : {}),
  };
}
