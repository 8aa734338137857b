/**
 * Reading a results directory (docs/outputs.md#results-directory) for `compare` and `report`,
 * and aggregating its cells over seeds: the final row of each cell
 * (`summary.csv`) grouped by (data set, variant, loss), each metric as
 * mean, sample standard deviation (N − 1) and n over the seeds with a
 * finite value. Diverged cells count in `diverged` and contribute no
 * metric values.
 *
 * @example
 * ```ts
 * import { groupCells, metricStats } from "./aggregate.ts";
 * import assert from "node:assert/strict";
 * const row = { dataset: "mnist", variant: "mlp", loss: "ns", status: "finished" };
 * const [group] = groupCells([
 *   { ...row, cell: "mnist-mlp-ns-s0", seed: "0", fid: "30" },
 *   { ...row, cell: "mnist-mlp-ns-s1", seed: "1", fid: "34" },
 *   { ...row, cell: "mnist-mlp-ns-s2", seed: "2", status: "diverged", fid: "" },
 * ]);
 * assert.equal(group.key, "mnist/mlp/ns");
 * assert.equal(group.diverged, 1);
 * assert.equal(metricStats(group, "fid").mean, 32);
 * ```
 *
 * @module
 */
import type { Manifest } from "../results/manifest.ts";
import { readManifest } from "../results/manifest.ts";
import { expandSpec } from "../spec/expand.ts";
import type { CellConfig } from "../spec/types.ts";
import { csvRecords, parseCsv } from "../results/csv.ts";
import { checkRunFiles } from "../results/integrity.ts";
import { metricsCsvPath, summaryCsvPath } from "../results/layout.ts";
import { mean, std } from "./stats.ts";
import { ReportInputError } from "./errors.ts";
import { checkEndedCellsHaveRows, checkWholeLines } from "./input_checks.ts";
import { errorText } from "../util/errors.ts";

/** A results directory as read by {@linkcode loadRun}. */
export interface RunData {
  /** The directory. */
  dir: string;
  /** Its `manifest.json`. */
  manifest: Manifest;
  /** The rows of `summary.csv`, by column name. */
  summary: Record<string, string>[];
  /** The header of `summary.csv`. */
  summaryColumns: string[];
  /**
   * Settings of every cell, by cell id: as recorded in the manifest, else
   * as the spec expands today (see {@linkcode cellConfigs}).
   */
  configs: Map<string, CellConfig>;
}

/** The cells of one (data set, variant, loss): the seeds of a configuration. */
export interface CellGroup {
  /** `<dataset>/<variant>/<loss>`. */
  key: string;
  /** Data set id. */
  dataset: string;
  /** Variant id. */
  variant: string;
  /** Loss id. */
  loss: string;
  /** The summary rows of its cells (finished and diverged), in file order. */
  rows: Record<string, string>[];
  /** Seeds present, in file order. */
  seeds: number[];
  /** How many of them diverged. */
  diverged: number;
}

/** A metric over the seeds of a group. */
export interface MetricStats {
  /** The finite values, one per seed that has one. */
  values: number[];
  /** Their mean (NaN when none). */
  mean: number;
  /** Their sample standard deviation (NaN when fewer than two). */
  std: number;
  /** How many values. */
  n: number;
}

/**
 * Reads a results directory: `manifest.json` (validated) and `summary.csv`.
 *
 * @param dir The results directory.
 * @returns Its manifest, summary rows and per-cell settings.
 * @throws ReportInputError One line naming the directory (or file) when it
 *   is missing or is not a results directory.
 * @example
 * ```ts
 * import { loadRun } from "./aggregate.ts";
 * import { newManifest, writeManifest } from "../results/manifest.ts";
 * import { writeCsvFile } from "../results/csv.ts";
 * import { parseSpec } from "../spec/spec.ts";
 * import assert from "node:assert/strict";
 * const dir = await Deno.makeTempDir();
 * await assert.rejects(loadRun(dir), /not a results directory \(no manifest\.json\)/);
 * const spec = parseSpec({ name: "demo", datasets: ["mnist"], variants: ["mlp"], losses: ["ns"], seeds: [0] }, "demo");
 * await writeManifest(dir, newManifest(spec));
 * writeCsvFile(`${dir}/summary.csv`, ["cell", "dataset", "variant", "loss", "seed", "fid"], [
 *   ["mnist-mlp-ns-s0", "mnist", "mlp", "ns", 0, 31.5],
 * ]);
 * const run = await loadRun(dir);
 * assert.equal(run.summary[0].fid, "31.5");
 * assert.equal(typeof run.configs.get("mnist-mlp-ns-s0")?.steps, "number"); // from the spec
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function loadRun(dir: string): Promise<RunData> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(dir);
  } catch {
    throw new ReportInputError(`${dir}: no such directory`);
  }
  if (!info.isDirectory) throw new ReportInputError(`${dir}: not a directory`);
  const manifest = await asInputError(() => readManifest(dir));
  if (!manifest) {
    throw new ReportInputError(
      `${dir}: not a results directory (no manifest.json)`,
    );
  }
  await asInputError(() => checkRunFiles(dir, manifest));
  const summaryPath = summaryCsvPath(dir);
  let text: string;
  try {
    text = await Deno.readTextFile(summaryPath);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new ReportInputError(
        `${dir}: not a results directory (no summary.csv)`,
      );
    }
    throw new ReportInputError(`${summaryPath}: cannot read (${errorText(e)})`);
  }
  // summary.csv is rewritten whole: a cut-off row or a lost one is damage.
  checkWholeLines(summaryPath, text);
  const table = await asInputError(() => parseCsv(text, summaryPath));
  for (const column of ["cell", "dataset", "variant", "loss", "seed"]) {
    if (!table.columns.includes(column)) {
      throw new ReportInputError(`${summaryPath}: no '${column}' column`);
    }
  }
  const summary = csvRecords(table);
  checkEndedCellsHaveRows(dir, manifest, summary);
  return {
    dir,
    manifest,
    summary,
    summaryColumns: table.columns,
    configs: cellConfigs(manifest),
  };
}

/** Runs `read`, turning what it throws into a {@linkcode ReportInputError}. */
async function asInputError<T>(read: () => T | Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    throw new ReportInputError(errorText(e));
  }
}

/**
 * The settings of every cell of a run: the config the runner recorded in
 * the cell's manifest record (`cells[id].config`), which is what the cell
 * ran with. A cell with no recorded config (a manifest from before configs
 * were recorded, or a cell that never finished) falls back to expanding the
 * manifest's spec, which resolves with today's built-in defaults and so may
 * differ from what an old run used.
 *
 * @param manifest The run's manifest.
 * @returns The settings by cell id: the spec's cells, and any recorded cell
 *   the spec no longer expands to.
 * @example
 * ```ts
 * import { cellConfigs } from "./aggregate.ts";
 * import { newManifest } from "../results/manifest.ts";
 * import { parseSpec } from "../spec/spec.ts";
 * import type { CellConfig } from "../spec/types.ts";
 * import assert from "node:assert/strict";
 * const spec = parseSpec({
 *   name: "demo", datasets: ["mnist"], variants: ["mlp"], losses: ["ns", "hinge"], seeds: [0],
 *   defaults: { steps: 12 },
 * }, "demo");
 * const manifest = newManifest(spec);
 * const expanded = cellConfigs(manifest).get("mnist-mlp-ns-s0")!;
 * assert.equal(expanded.steps, 12);
 * const recorded: CellConfig = { ...expanded, steps: 16 };
 * manifest.cells["mnist-mlp-ns-s0"] = { status: "finished", config: recorded };
 * assert.equal(cellConfigs(manifest).get("mnist-mlp-ns-s0")!.steps, 16);
 * assert.equal(cellConfigs(manifest).get("mnist-mlp-hinge-s0")!.steps, 12);
 * ```
 */
export function cellConfigs(manifest: Manifest): Map<string, CellConfig> {
  const configs = new Map<string, CellConfig>();
  for (const cell of expandSpec(manifest.spec)) {
    configs.set(cell.id, cell.config);
  }
  for (const [id, record] of Object.entries(manifest.cells)) {
    const config = record.config;
    if (
      typeof config === "object" && config !== null && !Array.isArray(config)
    ) {
      configs.set(id, config as CellConfig);
    }
  }
  return configs;
}

/**
 * Reads `<dir>/metrics.csv` (every evaluation of every cell). A last row
 * cut off mid-line is damage, unless `manifest` records a cell as still
 * running (a killed run, whose next `bench` cuts the partial row off).
 *
 * @param dir The results directory.
 * @param manifest Its manifest (when given, a cut-off last row is checked).
 * @returns The rows by column name; empty when the file does not exist.
 * @throws ReportInputError One line naming the file (and line) when it is
 *   malformed or cut off.
 * @example
 * ```ts
 * import { loadMetricsRows } from "./aggregate.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(loadMetricsRows("/tmp/ganbench-no-such-run"), []); // no file: no rows
 * ```
 */
export function loadMetricsRows(
  dir: string,
  manifest?: Manifest,
): Record<string, string>[] {
  const path = metricsCsvPath(dir);
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw new ReportInputError(`${path}: cannot read (${errorText(e)})`);
  }
  const running = manifest !== undefined &&
    Object.values(manifest.cells).some((c) => c.status === "running");
  if (manifest !== undefined && !running) checkWholeLines(path, text);
  try {
    return csvRecords(parseCsv(text, path));
  } catch (e) {
    throw new ReportInputError(errorText(e));
  }
}

/**
 * The key of a (data set, variant, loss).
 *
 * @param row A row with `dataset`, `variant` and `loss`.
 * @returns `<dataset>/<variant>/<loss>`.
 * @example
 * ```ts
 * import { groupKey } from "./aggregate.ts";
 * import assert from "node:assert/strict";
 * assert.equal(groupKey({ dataset: "mnist", variant: "mlp", loss: "ns" }), "mnist/mlp/ns");
 * ```
 */
export function groupKey(row: Readonly<Record<string, string>>): string {
  return `${row.dataset}/${row.variant}/${row.loss}`;
}

/**
 * Groups summary rows by (data set, variant, loss), in order of first
 * appearance (the spec's order for a `bench` run).
 *
 * @param rows Summary rows (see {@linkcode RunData.summary}).
 * @returns One group per configuration.
 * @example
 * ```ts
 * import { groupCells } from "./aggregate.ts";
 * import assert from "node:assert/strict";
 * const groups = groupCells([
 *   { cell: "m-mlp-ns-s0", dataset: "m", variant: "mlp", loss: "ns", seed: "0", status: "finished", fid: "3" },
 *   { cell: "m-mlp-ns-s1", dataset: "m", variant: "mlp", loss: "ns", seed: "1", status: "finished", fid: "5" },
 * ]);
 * assert.deepEqual(groups[0].seeds, [0, 1]);
 * assert.equal(groups.length, 1);
 * ```
 */
export function groupCells(
  rows: readonly Record<string, string>[],
): CellGroup[] {
  const groups = new Map<string, CellGroup>();
  for (const row of rows) {
    const key = groupKey(row);
    let group = groups.get(key);
    if (!group) {
      group = {
        key,
        dataset: row.dataset,
        variant: row.variant,
        loss: row.loss,
        rows: [],
        seeds: [],
        diverged: 0,
      };
      groups.set(key, group);
    }
    group.rows.push(row);
    group.seeds.push(Number(row.seed));
    if (row.status === "diverged") group.diverged++;
  }
  return [...groups.values()];
}

/**
 * Parses a CSV number field: empty, `nan`, `inf` and `-inf` are not finite.
 *
 * @param field The field text.
 * @returns The number, or NaN when empty or not a finite number.
 * @example
 * ```ts
 * import { parseNumber } from "./aggregate.ts";
 * import assert from "node:assert/strict";
 * assert.equal(parseNumber("1.5"), 1.5);
 * assert.ok(Number.isNaN(parseNumber("inf")));
 * assert.ok(Number.isNaN(parseNumber("")));
 * ```
 */
export function parseNumber(field: string | undefined): number {
  if (field === undefined || field.trim() === "") return NaN;
  const value = Number(field);
  return Number.isFinite(value) ? value : NaN;
}

/**
 * A metric over a group's seeds: the finite values of its non-diverged
 * rows.
 *
 * @param group The group.
 * @param metric The column name.
 * @returns Values, mean, std (N − 1) and n.
 * @example
 * ```ts
 * import { metricStats } from "./aggregate.ts";
 * import assert from "node:assert/strict";
 * const stats = metricStats({
 *   key: "m/mlp/ns", dataset: "m", variant: "mlp", loss: "ns", seeds: [0, 1], diverged: 0,
 *   rows: [{ status: "finished", fid: "3" }, { status: "finished", fid: "5" }],
 * }, "fid");
 * assert.deepEqual(stats.values, [3, 5]);
 * assert.equal(stats.mean, 4);
 * assert.equal(stats.n, 2);
 * ```
 */
export function metricStats(group: CellGroup, metric: string): MetricStats {
  const values = group.rows
    .filter((r) => r.status !== "diverged")
    .map((r) => parseNumber(r[metric]))
    .filter((v) => Number.isFinite(v));
  return { values, mean: mean(values), std: std(values), n: values.length };
}
