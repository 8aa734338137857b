/**
 * Reading a results directory (DESIGN.md §6) for `compare` and `report`,
 * and aggregating its cells over seeds: the final row of each cell
 * (`summary.csv`) grouped by (data set, variant, loss), each metric as
 * mean, sample standard deviation (N − 1) and n over the seeds with a
 * finite value. Diverged cells count in `diverged` and contribute no
 * metric values.
 *
 * @example
 * ```ts
 * import { groupCells, loadRun, metricStats } from "./aggregate.ts";
 * const run = await loadRun("results/smoke");
 * for (const g of groupCells(run.summary)) {
 *   console.log(g.key, metricStats(g, "fid").mean);
 * }
 * ```
 *
 * @module
 */
import { join } from "node:path";
import type { Manifest } from "../results/manifest.ts";
import { readManifest } from "../results/manifest.ts";
import { expandSpec } from "../spec/expand.ts";
import type { CellConfig } from "../spec/types.ts";
import { csvRecords, readCsv } from "../results/csv.ts";
import { mean, std } from "./stats.ts";

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
  /** Resolved settings of every cell of the spec, by cell id. */
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
 * @throws Error One line naming the directory when it is missing or is not
 *   a results directory.
 * @example
 * ```ts
 * import { loadRun } from "./aggregate.ts";
 * const run = await loadRun("results/smoke");
 * run.summary.length; // one row per finished or diverged cell
 * ```
 */
export async function loadRun(dir: string): Promise<RunData> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(dir);
  } catch {
    throw new Error(`${dir}: no such directory`);
  }
  if (!info.isDirectory) throw new Error(`${dir}: not a directory`);
  const manifest = await readManifest(dir);
  if (!manifest) {
    throw new Error(`${dir}: not a results directory (no manifest.json)`);
  }
  const summaryPath = join(dir, "summary.csv");
  try {
    await Deno.stat(summaryPath);
  } catch {
    throw new Error(`${dir}: not a results directory (no summary.csv)`);
  }
  const table = readCsv(summaryPath);
  for (const column of ["cell", "dataset", "variant", "loss", "seed"]) {
    if (!table.columns.includes(column)) {
      throw new Error(`${summaryPath}: no '${column}' column`);
    }
  }
  const configs = new Map<string, CellConfig>();
  for (const cell of expandSpec(manifest.spec)) {
    configs.set(cell.id, cell.config);
  }
  return {
    dir,
    manifest,
    summary: csvRecords(table),
    summaryColumns: table.columns,
    configs,
  };
}

/**
 * Reads `<dir>/metrics.csv` (every evaluation of every cell).
 *
 * @param dir The results directory.
 * @returns The rows by column name; empty when the file does not exist.
 * @example
 * ```ts
 * import { loadMetricsRows } from "./aggregate.ts";
 * const rows = loadMetricsRows("results/smoke");
 * ```
 */
export function loadMetricsRows(dir: string): Record<string, string>[] {
  const path = join(dir, "metrics.csv");
  try {
    Deno.statSync(path);
  } catch {
    return [];
  }
  return csvRecords(readCsv(path));
}

/**
 * The key of a (data set, variant, loss).
 *
 * @param row A row with `dataset`, `variant` and `loss`.
 * @returns `<dataset>/<variant>/<loss>`.
 * @example
 * ```ts
 * import { groupKey } from "./aggregate.ts";
 * groupKey({ dataset: "mnist", variant: "mlp", loss: "ns" }); // "mnist/mlp/ns"
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
 * const groups = groupCells([
 *   { cell: "m-mlp-ns-s0", dataset: "m", variant: "mlp", loss: "ns", seed: "0", status: "finished", fid: "3" },
 *   { cell: "m-mlp-ns-s1", dataset: "m", variant: "mlp", loss: "ns", seed: "1", status: "finished", fid: "5" },
 * ]);
 * groups[0].seeds; // [0, 1]
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
 * parseNumber("1.5"); // 1.5
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
 * metricStats({
 *   key: "m/mlp/ns", dataset: "m", variant: "mlp", loss: "ns", seeds: [0, 1], diverged: 0,
 *   rows: [{ status: "finished", fid: "3" }, { status: "finished", fid: "5" }],
 * }, "fid").mean; // 4
 * ```
 */
export function metricStats(group: CellGroup, metric: string): MetricStats {
  const values = group.rows
    .filter((r) => r.status !== "diverged")
    .map((r) => parseNumber(r[metric]))
    .filter((v) => Number.isFinite(v));
  return { values, mean: mean(values), std: std(values), n: values.length };
}
