/**
 * `bench --jobs N`: runs the cells of one matrix in N processes at once on
 * this machine. The wasm and cpu backends use one core each (TF.js's threaded
 * wasm does not start under Deno), so on a CPU-only machine a matrix finishes
 * up to N times sooner when its cells run side by side.
 *
 * Each cell is its own one-cell shard (`--shard k/n`, n = number of cells)
 * run by a child `bench` process into `<out>/jobs/<cell>/`, a complete results
 * directory that resumes like any other. Cells start longest first (by
 * {@linkcode estimatedCost}), so that the longest cell does not start last.
 * When all have ended, the children's directories are merged into `<out>`
 * with {@linkcode mergeRuns}, which is idempotent: the same command into the
 * same `--out` resumes unfinished cells and merges again.
 *
 * @module
 */
import { JOBS_DIR, jobsDir, manifestPath } from "../results/layout.ts";
import type { Cell } from "../spec/types.ts";
import { mergeRuns } from "./merge.ts";
import type { MergeResult } from "./merge.ts";
import { getLoss } from "../losses/registry.ts";
import { getVariant } from "../models/registry.ts";
import { unitsPerGStep } from "../train/train_config.ts";

/** The sub-directory of `--out` that holds one results directory per cell. */
export { JOBS_DIR };

/**
 * A cell's estimated training cost (arbitrary units): images through the
 * networks (G steps × batch × (n_critic + 1)) times the variant's registered
 * cost per image (`costPerImage`). Used only to start the longest cells
 * first.
 *
 * @param cell A cell of the matrix.
 * @returns A positive number; larger means longer.
 * @example
 * ```ts
 * import { estimatedCost } from "./jobs.ts";
 * import type { Cell } from "../spec/types.ts";
 * declare const cell: Cell; // e.g. a cell of `expandSpec(spec)`
 * estimatedCost(cell); // e.g. 768000 for mlp × ns, 6000 steps of 64
 * ```
 */
export function estimatedCost(cell: Cell): number {
  const c = cell.config;
  // A translation step: G forward and backward plus, with a GAN term, three
  // D passes; about 100× an mlp image at full width (relative costs only).
  if (cell.translation) {
    const t = cell.translation;
    return t.steps * t.batchSize * (cell.loss === "l1" ? 60 : 100) *
      t.widthMultiplier ** 2;
  }
  const nCritic = c.nCritic ?? getLoss(cell.loss).nCritic;
  const gSteps = c.steps / unitsPerGStep(c.budget, nCritic, c.batchSize);
  return gSteps * c.batchSize * (nCritic + 1) *
    getVariant(cell.variant).costPerImage;
}

/** Options of {@linkcode runJobs}. */
export interface JobsOptions {
  /** Every cell of the matrix, in matrix order (not sharded). */
  cells: readonly Cell[];
  /** The results directory (`--out`). */
  outDir: string;
  /** Processes at once (≥ 1). */
  jobs: number;
  /**
   * Runs the cell with 1-based index `shard` of `count` into `dir` and
   * resolves to the process's exit code.
   */
  runShard: (shard: number, count: number, dir: string) => Promise<number>;
  /** Console lines (default `console.error`). */
  log?: (line: string) => void;
}

/** What {@linkcode runJobs} did. */
export interface JobsResult {
  /** The merge into `outDir`. */
  merged: MergeResult;
  /** Cells whose process exited with a non-zero code, with the code. */
  failed: { id: string; code: number }[];
}

/**
 * Runs every cell in its own child process, at most `jobs` at once, longest
 * first, then merges their directories into `outDir`.
 *
 * @param options The cells, output directory, parallelism and launcher.
 * @returns The merge result and the cells whose process failed.
 * @throws Error When `jobs` is not a positive integer, or the merge fails.
 * @example
 * ```ts
 * import { runJobs } from "./jobs.ts";
 * import type { Cell } from "../spec/types.ts";
 * declare const cells: Cell[]; // the matrix, e.g. from `expandSpec(spec)`
 * // Starts `bench --shard <shard>/<count> --out <dir>`; resolves to its exit code.
 * declare function runShard(
 *   shard: number,
 *   count: number,
 *   dir: string,
 * ): Promise<number>;
 * await runJobs({ cells, outDir: "results/quick", jobs: 2, runShard });
 * ```
 */
export async function runJobs(options: JobsOptions): Promise<JobsResult> {
  const { cells, outDir, jobs } = options;
  const log = options.log ?? ((line: string) => console.error(line));
  if (!Number.isInteger(jobs) || jobs < 1) {
    throw new Error(`jobs: expected a positive integer, got ${jobs}`);
  }
  // Longest first; ties keep matrix order.
  const order = cells.map((cell, index) => ({ cell, index }))
    .sort((a, b) =>
      estimatedCost(b.cell) - estimatedCost(a.cell) || a.index - b.index
    );
  const failed: { id: string; code: number }[] = [];
  let next = 0;
  const worker = async () => {
    while (next < order.length) {
      const { cell, index } = order[next++];
      const dir = jobsDir(outDir, cell.id);
      const code = await options.runShard(index + 1, cells.length, dir);
      if (code !== 0) {
        failed.push({ id: cell.id, code });
        log(`${cell.id}: its process exited with code ${code}`);
      }
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(jobs, order.length) }, worker),
  );

  const dirs: string[] = [];
  for (const { cell } of order.toSorted((a, b) => a.index - b.index)) {
    const dir = jobsDir(outDir, cell.id);
    try {
      await Deno.stat(manifestPath(dir));
      dirs.push(dir);
    } catch {
      // The process ended before it wrote anything: nothing to merge.
    }
  }
  if (dirs.length === 0) {
    throw new Error(
      `no cell wrote a results directory under ${jobsDir(outDir)}`,
    );
  }
  const merged = await mergeRuns(dirs, outDir);
  return { merged, failed };
}
