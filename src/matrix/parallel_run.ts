/**
 * A matrix run spread over processes on this machine: how many processes
 * (one per core on the single-threaded wasm and cpu backends, else one),
 * and running every cell in a child process of its own (a one-cell shard
 * into `<out>/jobs/<cell>/`, see `jobs.ts`) before merging their results.
 *
 * @module
 */
import type { Cell } from "../spec/types.ts";
import type { BackendChoice } from "../backend/mod.ts";
import { backendAvailability } from "../backend/mod.ts";
import type { Manifest } from "../results/manifest.ts";
import { readManifest } from "../results/manifest.ts";
import type { MergeResult } from "./merge.ts";
import { runJobs } from "./jobs.ts";
import type { CellSummary } from "./run_cell.ts";
import type { Row } from "./cell_rows.ts";
import { runChildProcess } from "./child_process.ts";

/** How many processes a parallel run uses, and on which backend. */
export interface ProcessPlan {
  /** Processes at once (1: run in this process). */
  jobs: number;
  /** The backend the children will use (what `auto` picks, with why). */
  backend: string;
}

/**
 * The number of processes for a matrix: the requested number, or for `auto`
 * one per core when the backend is single-threaded (wasm, cpu), else 1;
 * never more than the cells, never fewer than 1.
 *
 * @param requested A positive integer, or `auto`.
 * @param backend The backend choice (`auto` is resolved to say which).
 * @param cells How many cells the run has.
 * @returns The plan.
 * @example
 * ```ts
 * import { processPlan } from "./parallel_run.ts";
 * const { jobs } = await processPlan(4, "wasm", 2);
 * console.log(jobs); // 2
 * ```
 */
export async function processPlan(
  requested: number | "auto",
  backend: BackendChoice,
  cells: number,
): Promise<ProcessPlan> {
  let name: string = backend;
  let described: string = backend;
  if (backend === "auto") {
    const picked = (await backendAvailability()).find((b) => b.auto);
    name = picked?.name ?? "cpu";
    described = picked ? `${picked.name}: ${picked.reason}` : "cpu";
  }
  const jobs = requested !== "auto"
    ? requested
    : name === "wasm" || name === "cpu"
    ? navigator.hardwareConcurrency
    : 1;
  return { jobs: Math.max(1, Math.min(jobs, cells)), backend: described };
}

/** Options of {@linkcode runInProcesses}. */
export interface ParallelRunOptions {
  /** Every cell of the matrix, in matrix order (not sharded). */
  cells: Cell[];
  /** The results directory. */
  outDir: string;
  /** Processes at once (≥ 1). */
  jobs: number;
  /** The Deno program every child runs. */
  script: URL;
  /**
   * The child's arguments to run the one-cell shard `index` of `count`
   * (1-based) into the results directory `dir`.
   */
  childArgs: (index: number, count: number, dir: string) => string[];
  /** Further paths the children read (spec, data, evaluator files). */
  readPaths?: string[];
  /** The cache directory the children write. */
  cacheDir: string;
  /** Console lines (default `console.error`). */
  log?: (line: string) => void;
}

/** What {@linkcode runInProcesses} did. */
export interface ParallelRunResult {
  /** A summary per cell that the merged manifest holds, in matrix order. */
  summaries: CellSummary[];
  /** The merge of the children's directories into the results directory. */
  merged: MergeResult;
  /** Cells whose process exited with a non-zero code, with the code. */
  failed: { id: string; code: number }[];
}

/**
 * Runs every cell in a child process of its own, at most `jobs` at once
 * and longest first, then merges their results into `outDir`.
 *
 * @param options The cells, results directory, parallelism and program.
 * @returns The cells' summaries, the merge and the failed processes.
 * @example
 * ```ts
 * import type { Cell } from "../spec/types.ts";
 * import { runInProcesses } from "./parallel_run.ts";
 * declare const cells: Cell[];
 * const { failed } = await runInProcesses({
 *   cells,
 *   outDir: "results/quick",
 *   jobs: 2,
 *   script: new URL("../cli/main.ts", import.meta.url),
 *   childArgs: (i, n, dir) => ["bench", "--shard", `${i}/${n}`, "--out", dir],
 *   cacheDir: ".cache",
 * });
 * ```
 */
export async function runInProcesses(
  options: ParallelRunOptions,
): Promise<ParallelRunResult> {
  const { cells, outDir } = options;
  const readPaths = [
    ".",
    "/usr/share/datasets",
    "/etc/ld.so.cache",
    outDir,
    ...(options.readPaths ?? []),
  ];
  const { merged, failed } = await runJobs({
    cells,
    outDir,
    jobs: options.jobs,
    log: options.log,
    runShard: (index, count, dir) =>
      runChildProcess({
        script: options.script,
        args: options.childArgs(index, count, dir),
        readPaths,
        writePaths: [outDir, options.cacheDir],
      }),
  });
  const summaries = summariesOf(await readManifest(outDir), cells);
  return { summaries, merged, failed };
}

/** A summary per cell the manifest holds (its last step when unfinished). */
function summariesOf(
  manifest: Manifest | undefined,
  cells: readonly Cell[],
): CellSummary[] {
  return cells.flatMap((cell) => {
    const record = manifest?.cells[cell.id];
    if (!record) return [];
    return [{
      id: cell.id,
      status: record.status,
      row: (record.summary ?? { step: record.step }) as Row,
    } as CellSummary];
  });
}
