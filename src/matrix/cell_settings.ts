/**
 * What a cell's settings mean to the trainer and to the evaluation suite:
 * its {@linkcode TrainConfig} and its {@linkcode EvaluationSizes}.
 *
 * @module
 */
import type { Cell, EvaluationSizes } from "../spec/types.ts";
import type { TrainConfig } from "../train/trainer.ts";

/**
 * The trainer settings of a cell.
 *
 * @param cell The cell.
 * @returns Its {@linkcode TrainConfig}.
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
  return {
    steps: c.steps,
    batchSize: c.batchSize,
    evalEvery: c.evalEvery,
    checkpointEvery: c.checkpointEvery,
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
