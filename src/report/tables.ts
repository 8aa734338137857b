/**
 * The headline tables of `ganbench report`: one table per data set, rows
 * variant × loss, columns the headline metrics as mean ± std over seeds,
 * the best value of each column marked. Rendered as Markdown (best in
 * bold), LaTeX booktabs (best in `\mathbf`) and HTML (best in `<strong>`).
 *
 * "Best" per column: the lowest mean for fid, kid_mean and eq_gap, the
 * highest for is_mean and train_images_per_s, the closest to 0.5 for d_auc
 * and the closest to the data set's real-pair value (`ssim_div_real`) for
 * ssim_div. Ties are all marked.
 *
 * @example
 * ```ts
 * import { groupCells, loadRun } from "./aggregate.ts";
 * import { buildTables, markdownTables } from "./tables.ts";
 * const run = await loadRun("results/smoke");
 * console.log(markdownTables(buildTables(groupCells(run.summary))));
 * ```
 *
 * @module
 */
import type { CellGroup, MetricStats } from "./aggregate.ts";
import { metricStats } from "./aggregate.ts";
import { mean } from "./stats.ts";

/** How the best value of a column is chosen. */
export type BestRule =
  | { kind: "lower" }
  | { kind: "higher" }
  | { kind: "target"; value: number }
  | { kind: "targetColumn"; column: string }
  | { kind: "none" };

/** One metric column of the report tables. */
export interface ReportColumn {
  /** The summary.csv column. */
  metric: string;
  /** Header text (plain). */
  label: string;
  /** Header in LaTeX. */
  latex: string;
  /** How its best value is chosen. */
  best: BestRule;
}

/** The headline columns, in order. */
export const REPORT_COLUMNS: readonly ReportColumn[] = [
  {
    metric: "fid",
    label: "FID ↓",
    latex: "FID $\\downarrow$",
    best: { kind: "lower" },
  },
  {
    metric: "kid_mean",
    label: "KID ↓",
    latex: "KID $\\downarrow$",
    best: { kind: "lower" },
  },
  {
    metric: "is_mean",
    label: "IS ↑",
    latex: "IS $\\uparrow$",
    best: { kind: "higher" },
  },
  {
    metric: "eq_gap",
    label: "eq_gap ↓",
    latex: "eq\\_gap $\\downarrow$",
    best: { kind: "lower" },
  },
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
  {
    metric: "train_images_per_s",
    label: "img/s ↑",
    latex: "img/s $\\uparrow$",
    best: { kind: "higher" },
  },
];

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
 * @param columns The columns (default {@linkcode REPORT_COLUMNS}).
 * @returns The tables, data sets in order of first appearance.
 * @example
 * ```ts
 * import { buildTables } from "./tables.ts";
 * buildTables([]); // []
 * ```
 */
export function buildTables(
  groups: readonly CellGroup[],
  columns: readonly ReportColumn[] = REPORT_COLUMNS,
): DatasetTable[] {
  const datasets = [...new Set(groups.map((g) => g.dataset))];
  return datasets.map((dataset) => {
    const inSet = groups.filter((g) => g.dataset === dataset);
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
 * formatMeanStd({ values: [1.2345, 1.3], mean: 1.26725, std: 0.0463, n: 2 }); // { mean: "1.267", std: "0.046" }
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

function seedsText(r: TableRow): string {
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
 * import { markdownTables } from "./tables.ts";
 * markdownTables([]); // ""
 * ```
 */
export function markdownTables(tables: readonly DatasetTable[]): string {
  const out: string[] = [];
  for (const t of tables) {
    out.push(
      `### ${t.dataset}`,
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
        `| ${r.variant} | ${r.loss} | ${seedsText(r)} | ${cells.join(" | ")} |`,
      );
    }
    out.push("");
  }
  return out.join("\n");
}

/**
 * Escapes text for LaTeX (outside math mode): `\ { } $ & # ^ _ % ~`.
 *
 * @param text Plain text.
 * @returns LaTeX source that typesets it.
 * @example
 * ```ts
 * import { latexEscape } from "./tables.ts";
 * latexEscape("wgan_gp 5%"); // "wgan\\_gp 5\\%"
 * ```
 */
export function latexEscape(text: string): string {
  return text.replace(/[\\{}$&#^_%~]/g, (ch) => {
    switch (ch) {
      case "\\":
        return "\\textbackslash{}";
      case "^":
        return "\\textasciicircum{}";
      case "~":
        return "\\textasciitilde{}";
      default:
        return `\\${ch}`;
    }
  });
}

/**
 * The tables as LaTeX booktabs `table` environments (one per data set),
 * mean $\pm$ std in math mode, the best per column in `\mathbf`.
 *
 * @param tables The tables.
 * @returns LaTeX source (needs `\usepackage{booktabs}`).
 * @example
 * ```ts
 * import { latexTables } from "./tables.ts";
 * latexTables([]); // ""
 * ```
 */
export function latexTables(tables: readonly DatasetTable[]): string {
  const out: string[] = [];
  for (const t of tables) {
    out.push(
      "\\begin{table}[ht]",
      "\\centering",
      "\\scriptsize",
      `\\caption{${
        latexEscape(t.dataset)
      }: mean $\\pm$ std over seeds; best per column in bold.}`,
      `\\begin{tabular}{llr${"r".repeat(t.columns.length)}}`,
      "\\toprule",
      `variant & loss & seeds & ${
        t.columns.map((c) => c.latex).join(" & ")
      } \\\\`,
      "\\midrule",
    );
    for (const r of t.rows) {
      const cells = r.values.map((v, j) => {
        const f = formatMeanStd(v);
        if (f.mean === "—") return "--";
        const body = f.std ? `${f.mean} \\pm ${f.std}` : f.mean;
        return r.best[j] ? `$\\mathbf{${body}}$` : `$${body}$`;
      });
      out.push(
        `${latexEscape(r.variant)} & ${latexEscape(r.loss)} & ${
          latexEscape(seedsText(r))
        } & ${cells.join(" & ")} \\\\`,
      );
    }
    out.push("\\bottomrule", "\\end{tabular}", "\\end{table}", "");
  }
  return out.join("\n");
}

/**
 * A standalone LaTeX document holding {@linkcode latexTables}: compiles
 * with `pdflatex` (article, booktabs, landscape geometry so that wide tables fit).
 *
 * @param tables The tables.
 * @param title The document title (plain text; escaped).
 * @returns The document source.
 * @example
 * ```ts
 * import { latexDocument } from "./tables.ts";
 * latexDocument([], "smoke").includes("\\usepackage{booktabs}"); // true
 * ```
 */
export function latexDocument(
  tables: readonly DatasetTable[],
  title: string,
): string {
  return [
    "% Generated by ganbench report. \\input the tables into a paper, or compile this file.",
    "\\documentclass{article}",
    "\\usepackage[landscape,margin=1.5cm]{geometry}",
    "\\usepackage{booktabs}",
    "\\begin{document}",
    `\\section*{${latexEscape(title)}}`,
    "",
    latexTables(tables),
    "\\end{document}",
    "",
  ].join("\n");
}

/**
 * Escapes text for HTML element content and attribute values.
 *
 * @param text Plain text.
 * @returns Escaped text.
 * @example
 * ```ts
 * import { htmlEscape } from "./tables.ts";
 * htmlEscape("<a & b>"); // "&lt;a &amp; b&gt;"
 * ```
 */
export function htmlEscape(text: string): string {
  const entities: Record<string, string> = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    "'": "&#39;",
  };
  return text.replace(/[&<>"']/g, (ch) => entities[ch]);
}

/**
 * One data set's table as an HTML `<table>` (best per column in
 * `<strong>`, std in a `<span class="sd">`).
 *
 * @param t The table.
 * @returns HTML.
 * @example
 * ```ts
 * import { htmlTable } from "./tables.ts";
 * htmlTable({ dataset: "m", columns: [], rows: [], targets: {} }).startsWith("<table"); // true
 * ```
 */
export function htmlTable(t: DatasetTable): string {
  const head = ["variant", "loss", "seeds", ...t.columns.map((c) => c.label)]
    .map((h) => `<th>${htmlEscape(h)}</th>`).join("");
  const body = t.rows.map((r) => {
    const cells = r.values.map((v, j) => {
      const f = formatMeanStd(v);
      const inner = `${htmlEscape(f.mean)}${
        f.std ? ` <span class="sd">± ${htmlEscape(f.std)}</span>` : ""
      }`;
      return `<td class="num">${
        r.best[j] ? `<strong>${inner}</strong>` : inner
      }</td>`;
    }).join("");
    return `<tr><td>${htmlEscape(r.variant)}</td><td>${
      htmlEscape(r.loss)
    }</td><td class="num">${htmlEscape(seedsText(r))}</td>${cells}</tr>`;
  }).join("\n");
  return `<table class="metrics">\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}
