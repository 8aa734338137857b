/**
 * The headline tables of `ganbench report`: one table per data set, rows
 * variant × loss, columns the headline metrics as mean ± std over seeds,
 * the best value of each column marked. Rendered as Markdown (best in
 * bold; here), LaTeX booktabs (best in `\mathbf`; `tables_latex.ts`) and
 * HTML (best in `<strong>`; `tables_html.ts`).
 *
 * "Best" per column: the lowest or highest mean as the column schema
 * directs (lowest fid, kid_mean and eq_gap, highest is_mean and
 * train_images_per_s), the closest to 0.5 for d_auc
 * and the closest to the data set's real-pair value (`ssim_div_real`) for
 * ssim_div. Ties are all marked.
 *
 * @example
 * ```ts
 * import { groupCells } from "./aggregate.ts";
 * import { buildTables, markdownTables, REPORT_COLUMNS } from "./tables.ts";
 * import assert from "node:assert/strict";
 * const row = (variant: string, seed: number, fid: number) => ({
 *   cell: `m-${variant}-ns-s${seed}`, dataset: "m", variant, loss: "ns",
 *   seed: `${seed}`, status: "finished", fid: `${fid}`,
 * });
 * const groups = groupCells([row("mlp", 0, 50), row("mlp", 1, 52), row("dcgan", 0, 40)]);
 * const md = markdownTables(buildTables(groups, REPORT_COLUMNS.slice(0, 1)));
 * assert.equal(md, [
 *   "### m",
 *   "",
 *   "| variant | loss | seeds | FID ↓ |",
 *   "|---|---|---:|---:|",
 *   "| mlp | ns | 2 | 51.00 ± 1.41 |",
 *   "| dcgan | ns | 1 | **40.00** |",
 *   "",
 * ].join("\n"));
 * ```
 *
 * @module
 */
import type { CellGroup, MetricStats } from "./aggregate.ts";
import { metricStats } from "./aggregate.ts";
import { mean } from "./stats.ts";
import { betterOf } from "../results/columns.ts";
import { markdownText } from "./markdown_escape.ts";
import type { Better, SummaryColumnName } from "../results/columns.ts";

/**
 * How the best value of a column is chosen: the lowest or highest mean (the
 * column schema's direction), the closest to a value or to the mean of
 * another column, or not at all.
 */
export type BestRule =
  | { kind: Better }
  | { kind: "target"; value: number }
  | { kind: "targetColumn"; column: SummaryColumnName };

/** One metric column of the report tables. */
export interface ReportColumn {
  /** The summary.csv column. */
  metric: SummaryColumnName;
  /** Header text (plain). */
  label: string;
  /** Header in LaTeX. */
  latex: string;
  /** How its best value is chosen. */
  best: BestRule;
}

/**
 * A column ranked the way the column schema says the metric improves, its
 * headers ending in an arrow (↓ lower is better, ↑ higher).
 *
 * @param metric The summary.csv column.
 * @param label Header text, without the arrow.
 * @param latex Header in LaTeX, without the arrow.
 * @returns The column.
 * @example
 * ```ts
 * import { directedColumn } from "./tables.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(directedColumn("fid", "FID", "FID"), {
 *   metric: "fid", label: "FID ↓", latex: "FID $\\downarrow$", best: { kind: "lower" },
 * });
 * ```
 */
export function directedColumn(
  metric: SummaryColumnName,
  label: string,
  latex: string,
): ReportColumn {
  const better = betterOf(metric);
  const arrows = better === "lower"
    ? [" ↓", " $\\downarrow$"]
    : better === "higher"
    ? [" ↑", " $\\uparrow$"]
    : ["", ""];
  return {
    metric,
    label: `${label}${arrows[0]}`,
    latex: `${latex}${arrows[1]}`,
    best: { kind: better },
  };
}

/** The headline columns, in order. */
export const REPORT_COLUMNS: readonly ReportColumn[] = [
  directedColumn("fid", "FID", "FID"),
  directedColumn("kid_mean", "KID", "KID"),
  directedColumn("is_mean", "IS", "IS"),
  directedColumn("eq_gap", "eq_gap", "eq\\_gap"),
  {
    metric: "d_auc",
    label: "d_auc →0.5",
    latex: "d\\_auc $\\to 0.5$",
    best: { kind: "target", value: 0.5 },
  },
  {
    metric: "ssim_div",
    label: "ssim_div →real",
    latex: "ssim\\_div $\\to$ real",
    best: { kind: "targetColumn", column: "ssim_div_real" },
  },
  {
    metric: "psnr_nn",
    label: "psnr_nn (dB)",
    latex: "psnr\\_nn (dB)",
    best: { kind: "none" },
  },
  directedColumn("train_images_per_s", "img/s", "img/s"),
];

/**
 * The diagnostic columns of issue #15, shown in `report.md` as a second
 * table per (non-translation) data set: precision/recall/density/coverage,
 * mode coverage, the memorisation copy rates and the conditional label
 * accuracy. A column no cell of the data set has a value for is left out
 * (see {@linkcode diagnosticTables}).
 */
export const DIAGNOSTIC_REPORT_COLUMNS: readonly ReportColumn[] = [
  directedColumn("precision", "precision", "precision"),
  directedColumn("recall", "recall", "recall"),
  {
    metric: "density",
    label: "density →1",
    latex: "density $\\to 1$",
    best: { kind: "target", value: 1 },
  },
  directedColumn("coverage", "coverage", "coverage"),
  directedColumn("classes_covered", "classes", "classes"),
  directedColumn("class_kl", "class_kl", "class\\_kl"),
  directedColumn("copy_rate", "copy_rate", "copy\\_rate"),
  directedColumn("copy_rate_feat", "copy_rate_feat", "copy\\_rate\\_feat"),
  directedColumn("label_acc", "label_acc", "label\\_acc"),
];

/**
 * The diagnostics table of each data set: {@linkcode DIAGNOSTIC_REPORT_COLUMNS}
 * limited to the columns some cell of the data set has a value for; data
 * sets with none of them (translation cells) get no table.
 *
 * @param groups Cell groups (see `groupCells`).
 * @returns The tables, data sets in order of first appearance.
 * @example
 * ```ts
 * import { groupCells } from "./aggregate.ts";
 * import { diagnosticTables } from "./tables.ts";
 * import assert from "node:assert/strict";
 * const groups = groupCells([{ cell: "m-mlp-ns-s0", dataset: "m", variant: "mlp", loss: "ns", seed: "0", status: "finished", precision: "0.5" }]);
 * const [table] = diagnosticTables(groups);
 * assert.deepEqual(table.columns.map((c) => c.metric), ["precision"]);
 * ```
 */
export function diagnosticTables(
  groups: readonly CellGroup[],
): DatasetTable[] {
  return buildTables(groups, DIAGNOSTIC_REPORT_COLUMNS).flatMap((t) => {
    const measured = withValues(t);
    return measured ? [measured] : [];
  });
}

/** A table without the columns no row has a value for (undefined: none left). */
function withValues(table: DatasetTable): DatasetTable | undefined {
  const keep = table.columns.map((_, j) =>
    table.rows.some((r) => r.values[j].n > 0)
  );
  if (!keep.some((k) => k)) return undefined;
  const pick = <T>(xs: readonly T[]) => xs.filter((_, j) => keep[j]);
  return {
    ...table,
    columns: pick(table.columns),
    rows: table.rows.map((r) => ({
      ...r,
      values: pick(r.values),
      best: pick(r.best),
    })),
  };
}

/**
 * The headline columns of a translation task's table (its cells' variant is
 * `pix2pix`; docs/translation.md#columns), in order.
 */
export const TRANSLATION_REPORT_COLUMNS: readonly ReportColumn[] = [
  directedColumn("psnr", "PSNR (dB)", "PSNR (dB)"),
  directedColumn("ssim", "SSIM", "SSIM"),
  directedColumn("l1", "L1", "L1"),
  directedColumn("fid", "FID", "FID"),
  {
    metric: "psnr_trivial",
    label: "PSNR trivial (dB)",
    latex: "PSNR trivial (dB)",
    best: { kind: "none" },
  },
  {
    metric: "d_auc",
    label: "d_auc →0.5",
    latex: "d\\_auc $\\to 0.5$",
    best: { kind: "target", value: 0.5 },
  },
  directedColumn("train_images_per_s", "img/s", "img/s"),
];

/** The variant id of translation cells (`spec/translation_expand.ts`). */
const TRANSLATION_VARIANT = "pix2pix";

/** One row (variant × loss) of a data set's table. */
export interface TableRow {
  /** Variant id. */
  variant: string;
  /** Loss id. */
  loss: string;
  /** Seeds in the group. */
  seeds: number;
  /** Seeds that diverged. */
  diverged: number;
  /** Statistics per column, in {@linkcode DatasetTable.columns} order. */
  values: MetricStats[];
  /** Whether each column's value is the best of its column. */
  best: boolean[];
}

/** The table of one data set. */
export interface DatasetTable {
  /** Data set id. */
  dataset: string;
  /** The columns. */
  columns: ReportColumn[];
  /** The rows, in run order. */
  rows: TableRow[];
  /** The value `targetColumn` rules aim at, by metric (e.g. mean ssim_div_real). */
  targets: Record<string, number>;
}

/**
 * Builds one table per data set from the cell groups.
 *
 * @param groups Cell groups (see `groupCells`).
 * @param given The columns of every table; default {@linkcode REPORT_COLUMNS},
 *   or {@linkcode TRANSLATION_REPORT_COLUMNS} for a data set whose cells
 *   are all translation cells (variant `pix2pix`).
 * @returns The tables, data sets in order of first appearance.
 * @example
 * ```ts
 * import { groupCells } from "./aggregate.ts";
 * import { buildTables, REPORT_COLUMNS } from "./tables.ts";
 * import assert from "node:assert/strict";
 * const row = (variant: string, seed: number, fid: number) => ({
 *   cell: `m-${variant}-ns-s${seed}`, dataset: "m", variant, loss: "ns",
 *   seed: `${seed}`, status: "finished", fid: `${fid}`,
 * });
 * const groups = groupCells([row("mlp", 0, 50), row("mlp", 1, 52), row("dcgan", 0, 40)]);
 * const [table] = buildTables(groups, REPORT_COLUMNS.filter((c) => c.metric === "fid"));
 * assert.equal(table.dataset, "m");
 * assert.deepEqual(table.rows.map((r) => [r.variant, r.values[0].mean, r.best[0]]), [
 *   ["mlp", 51, false],
 *   ["dcgan", 40, true], // lowest FID
 * ]);
 * ```
 */
export function buildTables(
  groups: readonly CellGroup[],
  given?: readonly ReportColumn[],
): DatasetTable[] {
  const datasets = [...new Set(groups.map((g) => g.dataset))];
  return datasets.map((dataset) => {
    const inSet = groups.filter((g) => g.dataset === dataset);
    const columns = given ??
      (inSet.every((g) => g.variant === TRANSLATION_VARIANT)
        ? TRANSLATION_REPORT_COLUMNS
        : REPORT_COLUMNS);
    const targets: Record<string, number> = {};
    for (const c of columns) {
      if (c.best.kind === "targetColumn") {
        const col = c.best.column;
        targets[c.metric] = mean(
          inSet.flatMap((g) => metricStats(g, col).values),
        );
      }
    }
    const rows: TableRow[] = inSet.map((g) => ({
      variant: g.variant,
      loss: g.loss,
      seeds: g.rows.length,
      diverged: g.diverged,
      values: columns.map((c) => metricStats(g, c.metric)),
      best: columns.map(() => false),
    }));
    columns.forEach((c, j) => {
      const score = scorer(c.best, targets[c.metric]);
      if (!score) return;
      const scores = rows.map((r) =>
        r.values[j].n > 0 ? score(r.values[j].mean) : NaN
      );
      const finite = scores.filter((s) => Number.isFinite(s));
      if (finite.length < 2) return; // nothing to compare with
      const top = Math.min(...finite);
      // When every row ties there is no best to point at.
      if (finite.every((s) => s === top)) return;
      scores.forEach((s, i) => {
        if (s === top) rows[i].best[j] = true;
      });
    });
    return { dataset, columns: [...columns], rows, targets };
  });
}

/** A score to minimise, or undefined for an unranked column. */
function scorer(
  rule: BestRule,
  target: number | undefined,
): ((x: number) => number) | undefined {
  switch (rule.kind) {
    case "lower":
      return (x) => x;
    case "higher":
      return (x) => -x;
    case "target":
      return (x) => Math.abs(x - rule.value);
    case "targetColumn":
      return target !== undefined && Number.isFinite(target)
        ? (x) => Math.abs(x - target)
        : undefined;
    default:
      return undefined;
  }
}

/**
 * Decimal places that show a value to four significant digits.
 *
 * @param x The value.
 * @returns 0–6 decimals.
 */
function decimalsFor(x: number): number {
  if (!Number.isFinite(x) || x === 0) return 3;
  return Math.min(6, Math.max(0, 3 - Math.floor(Math.log10(Math.abs(x)))));
}

/**
 * Formats mean ± std with the mean's number of decimals (four significant
 * digits); a single seed shows the mean only.
 *
 * @param s The statistics.
 * @returns `{ mean, std }` texts (`std` empty for n < 2; mean `—` for n = 0).
 * @example
 * ```ts
 * import { formatMeanStd } from "./tables.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(
 *   formatMeanStd({ values: [1.2345, 1.3], mean: 1.26725, std: 0.0463, n: 2 }),
 *   { mean: "1.267", std: "0.046" },
 * );
 * assert.deepEqual(formatMeanStd({ values: [], mean: NaN, std: NaN, n: 0 }), { mean: "—", std: "" });
 * ```
 */
export function formatMeanStd(s: MetricStats): { mean: string; std: string } {
  if (s.n === 0) return { mean: "—", std: "" };
  const d = decimalsFor(s.mean);
  return {
    mean: s.mean.toFixed(d),
    std: s.n >= 2 ? s.std.toFixed(d) : "",
  };
}

/**
 * The seeds cell of a row: how many, and how many diverged.
 *
 * @param r The row.
 * @returns E.g. `3` or `3 (1 div.)`.
 * @example
 * ```ts
 * import { seedsText } from "./tables.ts";
 * import assert from "node:assert/strict";
 * assert.equal(seedsText({ variant: "mlp", loss: "ns", seeds: 3, diverged: 1, values: [], best: [] }), "3 (1 div.)");
 * ```
 */
export function seedsText(r: TableRow): string {
  return r.diverged > 0 ? `${r.seeds} (${r.diverged} div.)` : `${r.seeds}`;
}

/**
 * The tables as Markdown: a `###` heading per data set, mean ± std cells,
 * the best per column in bold.
 *
 * @param tables The tables.
 * @returns Markdown text.
 * @example
 * ```ts
 * import { markdownTables, REPORT_COLUMNS } from "./tables.ts";
 * import assert from "node:assert/strict";
 * const fid = REPORT_COLUMNS[0]; // FID, lower is better
 * const md = markdownTables([{
 *   dataset: "m", columns: [fid], targets: {},
 *   rows: [{ variant: "mlp", loss: "ns", seeds: 1, diverged: 0, values: [{ values: [3], mean: 3, std: NaN, n: 1 }], best: [true] }],
 * }]);
 * assert.equal(md.split("\n")[4], "| mlp | ns | 1 | **3.000** |");
 * assert.equal(markdownTables([]), "");
 * ```
 */
export function markdownTables(tables: readonly DatasetTable[]): string {
  const out: string[] = [];
  for (const t of tables) {
    out.push(
      `### ${markdownText(t.dataset)}`,
      "",
      `| variant | loss | seeds | ${
        t.columns.map((c) => c.label).join(" | ")
      } |`,
      `|---|---|---:|${t.columns.map(() => "---:").join("|")}|`,
    );
    for (const r of t.rows) {
      const cells = r.values.map((v, j) => {
        const f = formatMeanStd(v);
        const text = f.std ? `${f.mean} ± ${f.std}` : f.mean;
        return r.best[j] ? `**${text}**` : text;
      });
      out.push(
        `| ${markdownText(r.variant)} | ${markdownText(r.loss)} | ${
          seedsText(r)
        } | ${cells.join(" | ")} |`,
      );
    }
    out.push("");
  }
  return out.join("\n");
}
