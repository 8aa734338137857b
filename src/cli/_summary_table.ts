/**
 * The Markdown table `ganbench bench` prints at the end: a row per cell with
 * its status, step and headline metrics.
 *
 * @module
 */
import type { CellSummary } from "../matrix/runner.ts";
import { groupCells, loadRun } from "../report/aggregate.ts";
import {
  buildTables,
  diagnosticTables,
  markdownTables,
  REPORT_COLUMNS,
  TRANSLATION_REPORT_COLUMNS,
} from "../report/tables.ts";

/** The metrics of the seed-aggregated table `bench` prints. */
const SEED_TABLE_METRICS: readonly string[] = [
  "psnr",
  "ssim",
  "l1",
  "psnr_trivial",
  "fid",
  "kid_mean",
  "is_mean",
  "eq_gap",
  "d_auc",
];

/**
 * Formats the cells' summaries as a Markdown table (`—` for a missing or
 * non-finite value).
 *
 * @param summaries The cells' summaries.
 * @returns The table, without a trailing newline.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { summaryTable } from "./_summary_table.ts";
 * const table = summaryTable([
 *   { id: "c", status: "finished", row: { step: 6, fid: 12.345 } },
 * ]);
 * assert.match(table.split("\n")[2], /^\| c +\| finished \| 6 +\| 12\.35 \| — /);
 * ```
 */
export function summaryTable(summaries: CellSummary[]): string {
  const fmt = (v: unknown, digits: number) =>
    typeof v === "number" && Number.isFinite(v) ? v.toFixed(digits) : "—";
  // Translation cells (variant pix2pix) have a target: their headline is
  // PSNR/SSIM/L1 beside the task's trivial answer.
  const translation = summaries.length > 0 &&
    summaries.every((s) => s.row.variant === "pix2pix");
  const metrics: [string, string, number][] = translation
    ? [
      ["psnr", "psnr", 2],
      ["ssim", "ssim", 3],
      ["l1", "l1", 4],
      ["psnr_trivial", "psnr trivial", 2],
      ["train_images_per_s", "img/s", 0],
    ]
    : [
      ["fid", "fid", 2],
      ["is_mean", "is", 2],
      ["kid_mean", "kid", 4],
      ["eq_gap", "eq_gap", 3],
      ["train_images_per_s", "img/s", 0],
    ];
  const header = ["cell", "status", "step", ...metrics.map((m) => m[1])];
  const rows = summaries.map((s) => [
    s.id,
    s.status === "skipped" ? `${s.row.status ?? "done"} (earlier)` : s.status,
    String(s.row.step ?? "—"),
    ...metrics.map(([key, , digits]) => fmt(s.row[key], digits)),
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => r[i].length))
  );
  const line = (cells: string[]) =>
    "| " + cells.map((c, i) => c.padEnd(widths[i])).join(" | ") + " |";
  return [
    line(header),
    "|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|",
    ...rows.map(line),
  ].join("\n");
}

/**
 * The tables of `ganbench report` for a results directory, limited to the
 * headline metrics, then each data set's measured diagnostics: one row per
 * data set × variant × loss, mean ± std over its seeds (best per column in
 * bold). `bench` prints it after the per-cell
 * table when some configuration ran more than one seed.
 *
 * @param outDir The results directory (with manifest.json and summary.csv).
 * @returns The Markdown table, or undefined when every configuration has one seed.
 * @example
 * ```ts ignore
 * const table = await seedMeanTable("results/quick");
 * if (table) console.log(table);
 * ```
 */
export async function seedMeanTable(
  outDir: string,
): Promise<string | undefined> {
  const run = await loadRun(outDir);
  const groups = groupCells(run.summary);
  if (!groups.some((g) => g.rows.length > 1)) return undefined;
  const translation = groups.every((g) => g.variant === "pix2pix");
  const columns = (translation ? TRANSLATION_REPORT_COLUMNS : REPORT_COLUMNS)
    .filter((c) => SEED_TABLE_METRICS.includes(c.metric));
  // Then the diagnostics some cell measured (none for translation).
  const diagnostics = diagnosticTables(groups).map((t) => ({
    ...t,
    dataset: `${t.dataset}: diagnostics`,
  }));
  return markdownTables([...buildTables(groups, columns), ...diagnostics])
    .trimEnd();
}
