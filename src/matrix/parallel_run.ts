/**
 * A matrix run spread over processes on this machine: how many processes
 * (one per core on the single-threaded wasm and cpu backends, else one),
 * and running every cell in a child process of its own (a one-cell shard
 * into `<out>/jobs/<cell>/`, see `jobs.ts`) before merging their results.
 *
 * Before any child starts, the results directory is locked and checked as
 * a one-process run checks it (same spec, valid manifest, files that agree
 * with it, no results without a manifest), and so is every cell's
 * `jobs/<cell>/`; the directory is claimed with a manifest of this spec, and
 * cells already ended there (by any earlier run) are skipped.
 *
 * @module
 */
import type { Cell, MatrixSpec } from "../spec/types.ts";
import type { BackendChoice } from "../backend/mod.ts";
import { backendAvailability } from "../backend/mod.ts";
import type { Manifest } from "../results/manifest.ts";
import { readManifest } from "../results/manifest.ts";
import { jobsDir } from "../results/layout.ts";
import { acquireRunLock } from "../results/lock.ts";
import type { MergeResult } from "./merge.ts";
import { checkRunDirectory, openRunManifest } from "./run_manifest.ts";
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
  /** The matrix spec after command-line overrides. */
  spec: MatrixSpec;
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
  /** The cache directory the children write (when this process may). */
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
 * Runs every cell not yet ended in `outDir` in a child process of its own,
 * at most `jobs` at once and longest first, then merges their results into
 * `outDir`. Each child may write only its `jobs/<cell>/` and the cache.
 *
 * @param options The spec, cells, results directory, parallelism and
 *   program.
 * @returns The cells' summaries, the merge and the failed processes.
 * @throws Error Before any child starts, as `runMatrix` does for its
 *   directory: another process holds `outDir`, or `outDir` or a cell's
 *   `jobs/<cell>/` holds another spec, an invalid manifest, damaged files
 *   or results without a manifest.
 * @example
 * ```ts
 * import type { Cell, MatrixSpec } from "../spec/types.ts";
 * import { runInProcesses } from "./parallel_run.ts";
 * declare const spec: MatrixSpec, cells: Cell[];
 * const { failed } = await runInProcesses({
 *   spec,
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
  const lock = acquireRunLock(options.outDir);
  try {
    return await runLocked(options);
  } finally {
    lock.release();
  }
}

/** {@linkcode runInProcesses} once the directory's lock is held. */
async function runLocked(
  options: ParallelRunOptions,
): Promise<ParallelRunResult> {
  const { spec, cells, outDir } = options;
  const log = options.log ?? ((line: string) => console.error(line));
  const existing = await checkRunDirectory(outDir, spec);
  const ended = new Set(
    cells.filter((c) => {
      const status = existing?.cells[c.id]?.status;
      return status !== undefined && status !== "running";
    }).map((c) => c.id),
  );
  // Every cell's own directory, too: the merge reads each one it finds.
  for (const cell of cells) {
    await checkRunDirectory(jobsDir(outDir, cell.id), spec);
  }
  if (ended.size === cells.length) {
    for (const cell of cells) log(`${cell.id}: ${endedLine(existing, cell)}`);
    return {
      summaries: summariesOf(existing, cells),
      merged: { outDir, inputs: [], counts: countsOf(existing), missing: [] },
      failed: [],
    };
  }
  // Claimed before any child writes under it, so that it is never a
  // directory of results without a manifest.
  await openRunManifest(outDir, spec, undefined);
  const readPaths = [
    ".",
    "/usr/share/datasets",
    "/etc/ld.so.cache",
    outDir,
    ...(options.readPaths ?? []),
  ];
  // A cache this process may not write is one its children may not either.
  const cacheWrite = Deno.permissions.querySync({
      name: "write",
      path: options.cacheDir,
    }).state === "granted"
    ? [options.cacheDir]
    : [];
  const { merged, failed } = await runJobs({
    cells,
    outDir,
    jobs: options.jobs,
    log,
    runShard: (index, count, dir) => {
      const cell = cells[index - 1];
      if (ended.has(cell.id)) {
        log(`${cell.id}: ${endedLine(existing, cell)}`);
        return Promise.resolve(0);
      }
      return runChildProcess({
        script: options.script,
        args: options.childArgs(index, count, dir),
        readPaths,
        writePaths: [dir, ...cacheWrite],
      });
    },
  });
  const summaries = summariesOf(await readManifest(outDir), cells);
  return { summaries, merged, failed };
}

/** The line of a cell skipped because it ended in an earlier run. */
function endedLine(manifest: Manifest | undefined, cell: Cell): string {
  return `${manifest?.cells[cell.id]?.status} in an earlier run, skipped`;
}

/** Cells by status in a manifest. */
function countsOf(manifest: Manifest | undefined): MergeResult["counts"] {
  const counts = { finished: 0, diverged: 0, running: 0 };
  for (const record of Object.values(manifest?.cells ?? {})) {
    counts[record.status]++;
  }
  return counts;
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
