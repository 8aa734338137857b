/**
 * The matrix runner's public surface, gathered from the files that hold
 * each concept: {@linkcode runMatrix} (the loop over cells), one cell's run,
 * the cell's trainer and evaluation settings, the external evaluator file
 * and memory snapshots.
 *
 * @example
 * ```ts
 * import type { BackendInfo } from "../backend/types.ts";
 * import { expandSpec } from "../spec/expand.ts";
 * import { loadProfile } from "../spec/profiles.ts";
 * import { runMatrix } from "./runner.ts";
 * declare const backend: BackendInfo;
 * const spec = await loadProfile("smoke");
 * await runMatrix({ spec, cells: expandSpec(spec), outDir: "results/smoke", backend });
 * ```
 *
 * @module
 */
import {
  CHECKPOINTS_DIR,
  GRIDS_DIR,
  METRICS_CSV,
  SUMMARY_CSV,
} from "../results/layout.ts";

export { runMatrix } from "./run_matrix.ts";
export type { CellSummary, RunOptions } from "./run_matrix.ts";
export { evaluationSizes, trainConfig } from "./cell_settings.ts";
export { externalEvaluator } from "./external_evaluator.ts";
export type { MemorySnapshot } from "./memory.ts";

/**
 * Names of the files inside a results directory (kept for existing
 * importers; `results/layout.ts` defines them).
 */
export const RESULT_FILES = {
  metrics: METRICS_CSV,
  summary: SUMMARY_CSV,
  grids: GRIDS_DIR,
  checkpoints: CHECKPOINTS_DIR,
} as const;
