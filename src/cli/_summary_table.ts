/**
 * The Markdown table `ganbench bench` prints at the end: a row per cell with
 * its status, step and headline metrics.
 *
 * @module
 */
import type { CellSummary } from "../matrix/runner.ts";

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
  const header = [
    "cell",
    "status",
    "step",
    "fid",
    "is",
    "kid",
    "eq_gap",
    "img/s",
  ];
  const rows = summaries.map((s) => [
    s.id,
    s.status === "skipped" ? `${s.row.status ?? "done"} (earlier)` : s.status,
    String(s.row.step ?? "—"),
    fmt(s.row.fid, 2),
    fmt(s.row.is_mean, 2),
    fmt(s.row.kid_mean, 4),
    fmt(s.row.eq_gap, 3),
    fmt(s.row.train_images_per_s, 0),
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
