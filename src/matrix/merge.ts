/**
 * Merging of shard result directories into one run directory.
 *
 * Every input must hold a `manifest.json` with the same spec hash. For each
 * cell the merge picks one source directory — the first (in argument order)
 * where the cell is `finished` or `diverged`, else the first whose manifest
 * lists it, else the first with rows for it — and takes that cell's
 * manifest record, `metrics.csv` rows, `summary.csv` row and `grids/<cell>/`
 * from there only, so a cell run twice is never counted twice. Rows are
 * ordered by the spec's cell order (then by step); a cell's repeated step
 * (re-evaluated after a resume) keeps its last row. Top-level manifest
 * fields other than `specHash`, `spec`, `cells` and `shard` come from the
 * first input; keep per-cell facts (device, timing) inside the cell record.
 *
 * The output directory may be one of the inputs; when it already holds a
 * run that is not listed, it is merged too (as the last input), so shards
 * can be merged in as they arrive. Merging the same inputs again gives the
 * same files.
 *
 * Shard directories are untrusted input (CI artifacts downloaded from
 * elsewhere): every cell id read from their `manifest.json`, `metrics.csv`
 * and `summary.csv` must be a cell id (the spec's id pattern: letters,
 * digits, `_ . -`, so never `/`, `\`, `..`, an absolute path or empty), a
 * cell's `grids/<cell>` must be a real directory inside its run (symbolic
 * links are not followed), and every path removed or written is checked to
 * lie inside the output directory first. A refusal is a
 * {@linkcode MergeInputError} and comes before anything is written.
 *
 * @module
 */
import { dirname, join, resolve } from "node:path";
import type { Cell } from "../spec/types.ts";
import type { CellRecord, Manifest } from "../results/manifest.ts";
import { readManifest, writeManifest } from "../results/manifest.ts";
import { expandSpec } from "../spec/expand.ts";
import { errorText } from "../util/errors.ts";
import {
  checkCellIds,
  isGridDir,
  isInside,
  MergeInputError,
} from "./merge_checks.ts";
import type { CsvTable } from "../results/csv.ts";
import { readCsv, writeCsvFile } from "../results/csv.ts";
import { writeRunContactSheet } from "../results/contact_sheet.ts";
import {
  gridsDir,
  MANIFEST_FILE,
  METRICS_CSV,
  metricsCsvPath,
  SUMMARY_CSV,
  summaryCsvPath,
} from "../results/layout.ts";

/** One run directory's content, as the merge needs it. */
export interface RunData {
  /** The directory (for messages). */
  dir: string;
  /** Its manifest. */
  manifest: Manifest;
  /** Its `metrics.csv`, when present. */
  metrics?: CsvTable;
  /** Its `summary.csv`, when present. */
  summary?: CsvTable;
}

/** The result of {@linkcode planMerge}. */
export interface MergePlan {
  /** The merged manifest. */
  manifest: Manifest;
  /** The merged `metrics.csv` (absent when no input had one). */
  metrics?: CsvTable;
  /** The merged `summary.csv` (absent when no input had one). */
  summary?: CsvTable;
  /** The index (into the inputs) of each cell's source, in output order. */
  sources: Record<string, number>;
  /** The spec's cells, in matrix order. */
  cells: Cell[];
}

const TERMINAL = ["finished", "diverged"];

function checkColumns(
  runs: readonly RunData[],
  which: "metrics" | "summary",
): string[] | undefined {
  let first: { dir: string; columns: string[] } | undefined;
  for (const run of runs) {
    const table = run[which];
    if (!table) continue;
    if (!first) {
      first = { dir: run.dir, columns: table.columns };
      continue;
    }
    const a = first.columns;
    if (
      a.length !== table.columns.length ||
      a.some((c, i) => c !== table.columns[i])
    ) {
      const file = which === "metrics" ? METRICS_CSV : SUMMARY_CSV;
      throw new MergeInputError(
        `cannot merge: ${join(run.dir, file)} has other columns than ${
          join(first.dir, file)
        }`,
      );
    }
  }
  return first?.columns;
}

function rowsOf(table: CsvTable | undefined, id: string): string[][] {
  if (!table) return [];
  const k = table.columns.indexOf("cell");
  if (k < 0) return [];
  return table.rows.filter((r) => r[k] === id);
}

/** Throws when the runs were not all made from the first run's spec. */
function checkSpecs(runs: readonly RunData[]): void {
  const first = runs[0];
  for (const run of runs.slice(1)) {
    if (run.manifest.specHash !== first.manifest.specHash) {
      throw new MergeInputError(
        `cannot merge: ${run.dir} was made with a different spec (hash ${
          run.manifest.specHash.slice(0, 12)
        }, spec ${run.manifest.spec.name}) than ${first.dir} (hash ${
          first.manifest.specHash.slice(0, 12)
        }, spec ${first.manifest.spec.name})`,
      );
    }
  }
}

/**
 * Every cell id any input knows of (manifest or rows), in the spec's cell
 * order; ids the spec does not have come last, sorted.
 */
function cellIds(runs: readonly RunData[], cells: readonly Cell[]): string[] {
  const order = new Map(cells.map((c, i) => [c.id, i]));
  const ids = new Set<string>();
  for (const run of runs) {
    for (const id of Object.keys(run.manifest.cells)) ids.add(id);
    for (const table of [run.metrics, run.summary]) {
      const k = table?.columns.indexOf("cell") ?? -1;
      if (table && k >= 0) { for (const r of table.rows) ids.add(r[k]); }
    }
  }
  return [...ids].sort((a, b) => {
    const ia = order.get(a) ?? Infinity;
    const ib = order.get(b) ?? Infinity;
    return ia !== ib ? ia - ib : a < b ? -1 : a > b ? 1 : 0;
  });
}

/**
 * The index of the input a cell is taken from: the first where it ended,
 * else the first whose manifest lists it, else the first with rows for it.
 */
function sourceOf(runs: readonly RunData[], id: string): number {
  let src = runs.findIndex((r) =>
    TERMINAL.includes(r.manifest.cells[id]?.status ?? "")
  );
  if (src < 0) src = runs.findIndex((r) => r.manifest.cells[id]);
  if (src < 0) {
    src = runs.findIndex((r) =>
      rowsOf(r.metrics, id).length + rowsOf(r.summary, id).length > 0
    );
  }
  return src;
}

/** A cell's metrics rows of one run, by step, a repeated step's last row. */
function metricsRowsOf(run: RunData, id: string): string[][] {
  const rows = rowsOf(run.metrics, id);
  const stepCol = run.metrics?.columns.indexOf("step") ?? -1;
  if (stepCol < 0) return rows;
  const byStep = new Map<string, string[]>();
  for (const r of rows) {
    byStep.delete(r[stepCol]);
    byStep.set(r[stepCol], r);
  }
  return [...byStep.values()].sort((a, b) =>
    Number(a[stepCol]) - Number(b[stepCol])
  );
}

/**
 * Plans a merge without touching the file system (see the module
 * documentation for the rules).
 *
 * @param runs The inputs, in priority order.
 * @returns The merged manifest and tables, and each cell's source.
 * @throws MergeInputError One line when the spec hashes differ (naming
 *   both directories), the CSV columns differ, or a cell id read from an
 *   input is not a cell id (naming the file and the id).
 * @example
 * ```ts
 * import type { Manifest } from "../results/manifest.ts";
 * import { planMerge } from "./merge.ts";
 * declare const a: Manifest, b: Manifest;
 * const plan = planMerge([{ dir: "a", manifest: a }, { dir: "b", manifest: b }]);
 * console.log(plan.sources);
 * ```
 */
export function planMerge(runs: readonly RunData[]): MergePlan {
  if (runs.length === 0) {
    throw new MergeInputError("cannot merge: no run directories");
  }
  for (const run of runs) checkCellIds(run.dir, run.manifest, run);
  checkSpecs(runs);
  const first = runs[0];
  const metricsColumns = checkColumns(runs, "metrics");
  const summaryColumns = checkColumns(runs, "summary");
  const cells = expandSpec(first.manifest.spec);

  const sources: Record<string, number> = {};
  const mergedCells: Record<string, CellRecord> = {};
  const metricsRows: string[][] = [];
  const summaryRows: string[][] = [];
  for (const id of cellIds(runs, cells)) {
    const src = sourceOf(runs, id);
    sources[id] = src;
    const run = runs[src];
    const record = run.manifest.cells[id];
    if (record) mergedCells[id] = structuredClone(record);
    metricsRows.push(...metricsRowsOf(run, id));
    const summary = rowsOf(run.summary, id);
    if (summary.length > 0) summaryRows.push(summary[summary.length - 1]);
  }

  const { shard: _shard, cells: _cells, ...rest } = first.manifest;
  const manifest: Manifest = {
    ...structuredClone(rest),
    specHash: first.manifest.specHash,
    spec: structuredClone(first.manifest.spec),
    cells: mergedCells,
  };
  const plan: MergePlan = { manifest, sources, cells };
  if (metricsColumns) {
    plan.metrics = { columns: metricsColumns, rows: metricsRows };
  }
  if (summaryColumns) {
    plan.summary = { columns: summaryColumns, rows: summaryRows };
  }
  return plan;
}

/** What {@linkcode mergeRuns} did. */
export interface MergeResult {
  /** The output directory. */
  outDir: string;
  /** The directories merged, in priority order (the output's own run last). */
  inputs: string[];
  /** Cells by status in the merged manifest. */
  counts: { finished: number; diverged: number; running: number };
  /** Cells of the spec that no input has. */
  missing: string[];
}

/** Copies a directory tree; links and special files are skipped. */
async function copyDir(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    const src = join(from, entry.name);
    const dst = join(to, entry.name);
    if (entry.isDirectory) await copyDir(src, dst);
    else if (entry.isFile) await Deno.copyFile(src, dst);
  }
}

function readTable(path: string): CsvTable | undefined {
  try {
    Deno.statSync(path);
  } catch {
    return undefined;
  }
  try {
    return readCsv(path);
  } catch (e) {
    throw new MergeInputError(`cannot merge: ${errorText(e)}`);
  }
}

/** Reads the run directories a merge takes (each must have a manifest). */
async function readRuns(dirs: readonly string[]): Promise<RunData[]> {
  const runs: RunData[] = [];
  for (const dir of dirs) {
    let manifest: Manifest | undefined;
    try {
      manifest = await readManifest(dir);
    } catch (e) {
      throw new MergeInputError(`cannot merge: ${errorText(e)}`);
    }
    if (!manifest) {
      throw new MergeInputError(
        `cannot merge: ${dir} has no ${MANIFEST_FILE} (not a run directory)`,
      );
    }
    runs.push({
      dir,
      manifest,
      metrics: readTable(metricsCsvPath(dir)),
      summary: readTable(summaryCsvPath(dir)),
    });
  }
  return runs;
}

/**
 * The grid directories to copy, `[from, to]` per cell with grids, each
 * checked before anything is written: `from` a real directory inside its
 * run's `grids/`, `to` inside `outDir`'s `grids/`.
 */
async function gridCopies(
  plan: MergePlan,
  dirs: readonly string[],
  outDir: string,
): Promise<[string, string][]> {
  const copies: [string, string][] = [];
  for (const [id, src] of Object.entries(plan.sources)) {
    const from = gridsDir(dirs[src], id);
    const to = gridsDir(outDir, id);
    // planMerge checked the ids; this guards the paths themselves.
    if (
      !isInside(gridsDir(dirs[src]), from) || !isInside(gridsDir(outDir), to)
    ) {
      throw new MergeInputError(
        `cannot merge: cell id ${JSON.stringify(id)} leaves grids/`,
      );
    }
    if (await isGridDir(dirs[src], from)) copies.push([from, to]);
  }
  return copies;
}

/**
 * Copies each cell's grids from its source run into `outDir` (replacing
 * what was there), checking again that each removed or written path lies
 * inside `outDir/grids/`, itself a real directory (not a link).
 */
async function copyGrids(
  copies: readonly [string, string][],
  outDir: string,
): Promise<void> {
  if (copies.length === 0) return;
  const grids = gridsDir(outDir);
  await Deno.mkdir(grids, { recursive: true });
  if ((await Deno.lstat(grids)).isSymlink) {
    throw new MergeInputError(
      `cannot merge: ${grids}: a symbolic link (the merge writes only inside ${outDir})`,
    );
  }
  for (const [from, to] of copies) {
    if (resolve(from) === resolve(to)) continue;
    if (dirname(resolve(to)) !== resolve(grids)) {
      throw new Error(`merge: refusing to touch ${to}: outside ${grids}`);
    }
    await Deno.remove(to, { recursive: true }).catch(() => {});
    await copyDir(from, to);
  }
}

/**
 * Merges shard result directories into `outDir` (see the module
 * documentation): `manifest.json`, `metrics.csv`, `summary.csv`,
 * `grids/<cell>/` and a regenerated `grids/contact_sheet.png`.
 *
 * @param dirs The shard directories, in priority order.
 * @param outDir The output directory (created; may be one of `dirs`).
 * @returns What was merged.
 * @throws MergeInputError One line when an input has no (valid) manifest,
 *   the spec hashes differ, the CSV columns differ, a cell id read from an
 *   input is not a cell id, or a grid directory is not a real directory of
 *   its run; nothing is written then.
 * @example
 * ```ts ignore
 * import { mergeRuns } from "./merge.ts";
 * // after `bench quick --shard 1/2 --out results/q-1of2` and `--shard 2/2 --out results/q-2of2`:
 * await mergeRuns(["results/q-1of2", "results/q-2of2"], "results/q");
 * ```
 */
export async function mergeRuns(
  dirs: readonly string[],
  outDir: string,
): Promise<MergeResult> {
  const out = resolve(outDir);
  const inputs: string[] = [];
  for (const d of dirs) {
    if (!inputs.some((x) => resolve(x) === resolve(d))) inputs.push(d);
  }
  if (inputs.length === 0) {
    throw new MergeInputError("cannot merge: no run directories");
  }
  if (!inputs.some((d) => resolve(d) === out)) {
    const own = await readManifest(outDir).catch((e) => {
      throw new MergeInputError(`cannot merge: ${errorText(e)}`);
    });
    if (own !== undefined) inputs.push(outDir);
  }
  const plan = planMerge(await readRuns(inputs));
  const copies = await gridCopies(plan, inputs, outDir);

  await Deno.mkdir(outDir, { recursive: true });
  await copyGrids(copies, outDir);
  const anyGrid = copies.length > 0;
  if (plan.metrics) {
    writeCsvFile(
      metricsCsvPath(outDir),
      plan.metrics.columns,
      plan.metrics.rows,
    );
  }
  if (plan.summary) {
    writeCsvFile(
      summaryCsvPath(outDir),
      plan.summary.columns,
      plan.summary.rows,
    );
  }
  await writeManifest(outDir, plan.manifest);
  if (anyGrid) {
    const known = plan.cells.filter((c) => plan.sources[c.id] !== undefined);
    await writeRunContactSheet(outDir, known);
  }
  const counts = { finished: 0, diverged: 0, running: 0 };
  for (const record of Object.values(plan.manifest.cells)) {
    counts[record.status]++;
  }
  return {
    outDir,
    inputs,
    counts,
    missing: plan.cells.filter((c) => plan.manifest.cells[c.id] === undefined)
      .map((c) => c.id),
  };
}
