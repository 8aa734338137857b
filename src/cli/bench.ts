/**
 * `ganbench bench`: trains and evaluates a matrix of data sets × variants ×
 * losses × seeds (a built-in profile or a JSON spec, narrowed by flags) and
 * writes the results directory of docs/outputs.md#results-directory.
 *
 * @module
 */
import { join } from "node:path";
import type { Command } from "./_command.ts";
import { parseFlags, UsageError, withoutFlags } from "./_args.ts";
import { errorText } from "../util/errors.ts";
import { BENCH_FLAGS, benchHelp, parseJobs } from "./_bench_flags.ts";
import type { BenchValues } from "./_bench_flags.ts";
import { benchCells } from "./_bench_cells.ts";
import { seedMeanTable, summaryTable } from "./_summary_table.ts";
import { initBackend } from "../backend/mod.ts";
import { DEFAULT_CACHE_DIR } from "../data/types.ts";
import type { Cell, MatrixSpec } from "../spec/types.ts";
import { runMatrix } from "../matrix/runner.ts";
import { checkDatasets, checkEvaluators } from "../matrix/run_resources.ts";
import { exitWhenParentDies, isChildProcess } from "../matrix/child_process.ts";
import { processPlan, runInProcesses } from "../matrix/parallel_run.ts";
import type { ProcessPlan } from "../matrix/parallel_run.ts";
import {
  CONTACT_SHEET_FILE,
  GRIDS_DIR,
  jobsDir,
  METRICS_CSV,
  SUMMARY_CSV,
} from "../results/layout.ts";

/** Where the results are, for the last line. */
const RESULTS_NOTE =
  `(${SUMMARY_CSV}, ${METRICS_CSV}, ${GRIDS_DIR}/${CONTACT_SHEET_FILE})`;

/** The `bench` sub-command. */
export const benchCommand: Command = {
  name: "bench",
  summary: "train and evaluate a matrix of GAN variants × losses",
  async run(args) {
    const { values } = parseFlags(args, BENCH_FLAGS);
    if (values.help) {
      console.log(await benchHelp());
      return 0;
    }
    const { spec, all, cells, shard } = await benchCells(values);
    const outDir = values.out ?? join("results", spec.name);
    if (values["dry-run"]) {
      console.log(`${cells.length} of ${all.length} cells → ${outDir}`);
      for (const cell of cells) {
        const c = cell.config;
        console.log(
          `  ${cell.id}  steps ${c.steps} (${c.budget})  batch ${c.batchSize}  eval every ${c.evalEvery}  nEval ${c.nEval}`,
        );
      }
      return 0;
    }
    checkOutPermissions(outDir);
    // Evaluators and data are input: a missing or damaged one is a usage
    // error (exit 2) found before anything is written.
    try {
      await checkEvaluators(
        cells,
        values["inception-weights"],
        DEFAULT_CACHE_DIR,
      );
      if (shard === undefined) {
        await checkDatasets(cells, values["data-dir"], DEFAULT_CACHE_DIR);
      }
    } catch (error) {
      throw error instanceof UsageError
        ? error
        : new UsageError(errorText(error));
    }
    const plan = shard === undefined
      ? await processPlan(parseJobs(values.jobs), values.backend, cells.length)
      : { jobs: 1, backend: "" };
    if (plan.jobs > 1) {
      return await runInJobs(args, values, spec, cells, outDir, plan);
    }
    // A child of --jobs stays quiet apart from its cell's progress lines.
    const isChild = isChildProcess();
    const backend = await initBackend(values.backend, {
      log: isChild ? () => {} : (line) => console.error(line),
    });
    if (isChild) {
      exitWhenParentDies();
    } else {
      console.error(
        `${cells.length} cell(s) of profile ${spec.name} → ${outDir}`,
      );
    }
    const started = performance.now();
    const summaries = await runMatrix({
      spec,
      cells,
      outDir,
      backend,
      shard,
      dataDir: values["data-dir"],
      cacheDir: DEFAULT_CACHE_DIR,
      inceptionWeights: values["inception-weights"],
    });
    console.log(summaryTable(summaries));
    await printSeedMeans(outDir);
    console.log(
      `\n${summaries.length} cell(s) in ${
        seconds(started)
      } s; results in ${outDir}/ ${RESULTS_NOTE}`,
    );
    return 0;
  },
};

/**
 * Refuses, before anything runs, an `--out` this process may not read and
 * write (e.g. outside `results/` under `deno task bench`), rather than
 * failing in the middle of a run or in every child process.
 */
function checkOutPermissions(outDir: string): void {
  const missing = (["read", "write"] as const).filter((name) =>
    Deno.permissions.querySync({ name, path: outDir }).state !== "granted"
  );
  if (missing.length === 0) return;
  throw new UsageError(
    `--out ${outDir}: not ${
      missing.map((m) => m === "read" ? "readable" : "writable").join(" or ")
    } by this process (deno task bench may write only under results/ and .cache/); choose an --out under results/, or run deno run with --allow-read and --allow-write=${outDir},${DEFAULT_CACHE_DIR} (and the other flags of the bench task) src/cli/main.ts bench`,
  );
}

/** Seconds since `started` (a `performance.now()`), rounded. */
function seconds(started: number): string {
  return ((performance.now() - started) / 1000).toFixed(0);
}

/**
 * Runs the cells in `plan.jobs` child `bench` processes (one cell each,
 * longest first) and merges their results into `outDir`; see
 * `matrix/parallel_run.ts`.
 */
async function runInJobs(
  args: string[],
  values: BenchValues,
  spec: MatrixSpec,
  cells: Cell[],
  outDir: string,
  plan: ProcessPlan,
): Promise<number> {
  const { jobs } = plan;
  console.error(
    `${cells.length} cell(s) → ${outDir}, ${jobs} at a time (--jobs ${jobs}, backend ${plan.backend}; each cell in its own process, results per cell in ${
      jobsDir(outDir)
    }/)`,
  );
  const started = performance.now();
  const rest = withoutFlags(args, ["jobs", "out", "shard"]);
  const { summaries, merged, failed } = await runInProcesses({
    spec,
    cells,
    outDir,
    jobs,
    script: new URL("./main.ts", import.meta.url),
    childArgs: (index, count, dir) => [
      "bench",
      ...rest,
      "--jobs",
      "1",
      "--shard",
      `${index}/${count}`,
      "--out",
      dir,
    ],
    readPaths: [
      values.profile,
      values["data-dir"],
      values.evaluator,
      values["inception-weights"],
    ]
      .filter((v): v is string => v !== undefined && v.includes("/")),
    cacheDir: DEFAULT_CACHE_DIR,
  });
  console.log(summaryTable(summaries));
  await printSeedMeans(outDir);
  const { finished, diverged, running } = merged.counts;
  console.log(
    `\n${cells.length} cell(s) in ${
      seconds(started)
    } s with --jobs ${jobs}: ${finished} finished, ${diverged} diverged, ${running} unfinished; results in ${outDir}/ ${RESULTS_NOTE}`,
  );
  return failed.length > 0 || running > 0 ? 1 : 0;
}

/**
 * Prints the mean ± std table over seeds when the run has several seeds of
 * a configuration; a results directory that cannot be read back (a failed
 * run) prints nothing here: the per-cell table already said what happened.
 */
async function printSeedMeans(outDir: string): Promise<void> {
  try {
    const table = await seedMeanTable(outDir);
    if (table) console.log(`\nMean ± std over seeds:\n\n${table}`);
  } catch {
    // Reported by the per-cell table and the exit code.
  }
}
