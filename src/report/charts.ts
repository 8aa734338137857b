/**
 * Line charts of the training curves (a metric against steps, one line per
 * cell) for the HTML report, rendered server-side to SVG with Vega-Lite
 * (compiled to a Vega spec) and Vega's headless view (`renderer: "none"`,
 * `toSVG()`): no browser, no canvas, no network.
 *
 * @example
 * ```ts
 * import { lineChartSvg } from "./charts.ts";
 * import assert from "node:assert/strict";
 * const svg = await lineChartSvg(
 *   [{ x: 0, y: 3, series: "mlp ns", seed: "0" }, { x: 10, y: 2, series: "mlp ns", seed: "0" }],
 *   { title: "FID", xTitle: "step", yTitle: "fid" },
 * );
 * assert.ok(svg.startsWith("<svg"));
 * ```
 *
 * @module
 */
import * as vega from "vega";
import { compile } from "vega-lite";
import type { TopLevelSpec } from "vega-lite";
import { parseNumber } from "./aggregate.ts";
import { betterOf } from "../results/columns.ts";

/** One point of a line chart. */
export interface LinePoint {
  /** x value (e.g. the step). */
  x: number;
  /** y value. */
  y: number;
  /** The line's colour group, e.g. `mlp ns` (variant and loss). */
  series: string;
  /** Second key of the line (dash pattern), e.g. the seed. */
  seed: string;
}

/** Options of {@linkcode lineChartSpec} and {@linkcode lineChartSvg}. */
export interface LineChartOptions {
  /** Chart title. */
  title: string;
  /** x-axis title. */
  xTitle: string;
  /** y-axis title. */
  yTitle: string;
  /** Plot width in pixels (default 520). */
  width?: number;
  /** Plot height in pixels (default 240). */
  height?: number;
}

/**
 * The Vega-Lite spec of a line chart: colour by `series`, dash and point shape
 * by `seed`, points on the lines (evaluations are sparse).
 *
 * @param points The data.
 * @param options Titles and size.
 * @returns The Vega-Lite spec.
 * @example
 * ```ts
 * import { lineChartSpec } from "./charts.ts";
 * import assert from "node:assert/strict";
 * const spec = lineChartSpec([], { title: "FID", xTitle: "step", yTitle: "fid" });
 * assert.ok("mark" in spec); // a single view, not a facet or a layer
 * assert.deepEqual(spec.title, { text: "FID", anchor: "start", fontSize: 14 });
 * ```
 */
export function lineChartSpec(
  points: readonly LinePoint[],
  options: LineChartOptions,
): TopLevelSpec {
  const seeds = [...new Set(points.map((p) => p.seed))];
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: options.title, anchor: "start", fontSize: 14 },
    width: options.width ?? 520,
    height: options.height ?? 240,
    background: "white",
    data: { values: points.map((p) => ({ ...p })) },
    mark: { type: "line", point: { size: 24 }, strokeWidth: 1.5 },
    encoding: {
      x: {
        field: "x",
        type: "quantitative",
        title: options.xTitle,
        axis: { tickMinStep: 1 },
      },
      y: {
        field: "y",
        type: "quantitative",
        title: options.yTitle,
        scale: { zero: false },
      },
      color: {
        field: "series",
        type: "nominal",
        title: "variant · loss",
        scale: { scheme: "tableau20" },
        sort: [...new Set(points.map((p) => p.series))],
      },
      strokeDash: {
        field: "seed",
        type: "nominal",
        title: "seed",
        sort: seeds,
        legend: seeds.length > 1 ? {} : null,
      },
      shape: {
        field: "seed",
        type: "nominal",
        title: "seed",
        sort: seeds,
        legend: seeds.length > 1 ? {} : null,
      },
      detail: { field: "seed", type: "nominal" },
    },
    config: {
      font: "DejaVu Sans, Helvetica, Arial, sans-serif",
      view: { stroke: "#ccc" },
    },
  } as TopLevelSpec;
}

let chartCounter = 0;

/**
 * Makes the ids inside an SVG unique (`id="x"` and `url(#x)` / `href="#x"`
 * references), so several charts can be inlined in one HTML page.
 *
 * @param svg SVG text.
 * @param prefix The prefix.
 * @returns The SVG with prefixed ids.
 */
function prefixIds(svg: string, prefix: string): string {
  return svg
    .replace(/\bid="([^"]+)"/g, (_m, id) => `id="${prefix}${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_m, id) => `url(#${prefix}${id})`)
    .replace(/href="#([^"]+)"/g, (_m, id) => `href="#${prefix}${id}"`);
}

/**
 * Renders a line chart to SVG (Vega-Lite → Vega → headless SVG).
 *
 * @param points The data.
 * @param options Titles and size.
 * @returns `<svg …>…</svg>` with ids unique to this chart.
 * @example
 * ```ts
 * import { lineChartSvg } from "./charts.ts";
 * import assert from "node:assert/strict";
 * const svg = await lineChartSvg([], { title: "empty", xTitle: "step", yTitle: "fid" });
 * assert.ok(svg.startsWith("<svg") && svg.endsWith("</svg>"));
 * ```
 */
export async function lineChartSvg(
  points: readonly LinePoint[],
  options: LineChartOptions,
): Promise<string> {
  const vgSpec = compile(lineChartSpec(points, options)).spec;
  const view = new vega.View(vega.parse(vgSpec), { renderer: "none" });
  try {
    const svg = await view.toSVG();
    return prefixIds(svg, `c${++chartCounter}-`);
  } finally {
    view.finalize();
  }
}

/** A chart of one metric of one data set. */
export interface MetricChart {
  /** Data set id. */
  dataset: string;
  /** The metrics.csv column. */
  metric: string;
  /** The rendered SVG. */
  svg: string;
  /** How many lines (cells) it has. */
  lines: number;
}

/** The curves the HTML report draws: metric and title. */
export const CURVE_METRICS: readonly { metric: string; title: string }[] = [
  { metric: "fid", title: `FID (${betterOf("fid")} is better)` },
  {
    metric: "is_mean",
    title: `Inception Score (${betterOf("is_mean")} is better)`,
  },
  { metric: "eq_gap", title: "Equilibrium gap 2·|d_auc − 0.5|" },
  { metric: "d_loss", title: "D loss (mean over the interval)" },
  { metric: "g_loss", title: "G loss (mean over the interval)" },
];

/**
 * The training-curve charts of a run: for each data set and each of
 * {@linkcode CURVE_METRICS}, the metric against `step`, one line per cell
 * (colour = variant · loss, dash = seed). Rows without a finite value
 * (diverged) are left out.
 *
 * @param rows The rows of `metrics.csv`.
 * @param metrics Which curves (default {@linkcode CURVE_METRICS}).
 * @returns One chart per data set × metric that has data.
 * @example
 * ```ts
 * import { curveCharts } from "./charts.ts";
 * import assert from "node:assert/strict";
 * const row = { dataset: "mnist", variant: "mlp", loss: "ns", seed: "0" };
 * const charts = await curveCharts([
 *   { ...row, step: "4", fid: "90", d_loss: "1.3" },
 *   { ...row, step: "8", fid: "60", d_loss: "nan" },
 * ]);
 * assert.deepEqual(charts.map((c) => [c.metric, c.lines]), [["fid", 1], ["d_loss", 1]]);
 * ```
 */
export async function curveCharts(
  rows: readonly Record<string, string>[],
  metrics: readonly { metric: string; title: string }[] = CURVE_METRICS,
): Promise<MetricChart[]> {
  const datasets = [...new Set(rows.map((r) => r.dataset))];
  const charts: MetricChart[] = [];
  for (const dataset of datasets) {
    const inSet = rows.filter((r) => r.dataset === dataset);
    for (const { metric, title } of metrics) {
      const points: LinePoint[] = [];
      for (const r of inSet) {
        const x = parseNumber(r.step);
        const y = parseNumber(r[metric]);
        if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
        points.push({ x, y, series: `${r.variant} · ${r.loss}`, seed: r.seed });
      }
      if (points.length === 0) continue;
      const svg = await lineChartSvg(points, {
        title: `${dataset}: ${title}`,
        xTitle: "step (G steps)",
        yTitle: metric,
      });
      const lines = new Set(points.map((p) => `${p.series}|${p.seed}`)).size;
      charts.push({ dataset, metric, svg, lines });
    }
  }
  return charts;
}
