/**
 * The self-contained HTML report of a run: one file with inline CSS, the
 * charts as inline SVG and every image as a `data:` URI, so it can be
 * attached to a CI run or mailed and still render. A Content-Security-
 * Policy meta tag forbids any external load.
 *
 * @example
 * ```ts
 * import { renderHtmlReport } from "./html_report.ts";
 * import assert from "node:assert/strict";
 * const html = renderHtmlReport({
 *   title: "smoke", meta: [], sections: [], contactSheet: undefined, definitions: [],
 * });
 * assert.ok(html.startsWith("<!doctype html>"));
 * ```
 *
 * @module
 */
import { Buffer } from "node:buffer";
import type { DatasetTable } from "./tables.ts";
import { htmlEscape, htmlTable } from "./tables_html.ts";
import type { MetricChart } from "./charts.ts";

/** A PNG to embed. */
export interface EmbeddedPng {
  /** Caption. */
  caption: string;
  /** The PNG file bytes. */
  png: Uint8Array;
}

/** One data set's part of the report. */
export interface ReportSection {
  /** Data set id. */
  dataset: string;
  /** One line on how it was measured (evaluator, n_eval, …). */
  protocol: string;
  /** Its table. */
  table: DatasetTable;
  /** Its training-curve charts. */
  charts: MetricChart[];
  /** The final sample grid of each cell. */
  grids: EmbeddedPng[];
}

/** Input of {@linkcode renderHtmlReport}. */
export interface HtmlReportInput {
  /** Page title (the spec name). */
  title: string;
  /** `[label, value]` pairs of provenance (directory, versions, backend, …). */
  meta: [string, string][];
  /** One section per data set. */
  sections: ReportSection[];
  /** `grids/contact_sheet.png`, when there is one. */
  contactSheet: EmbeddedPng | undefined;
  /** `[column, unit, definition]` of the columns shown. */
  definitions: [string, string, string][];
}

const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; margin: 0; color: #1d1d1f; background: #f6f7f9; }
header { background: #24292f; color: #fff; padding: 18px 32px; }
header h1 { margin: 0 0 8px; font-size: 22px; }
header dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0; font-size: 13px; }
header dt { color: #9aa4af; }
header dd { margin: 0; font-family: "DejaVu Sans Mono", monospace; }
nav { padding: 10px 32px; background: #fff; border-bottom: 1px solid #ddd; font-size: 14px; }
nav a { margin-right: 16px; color: #0b5cad; text-decoration: none; }
main { padding: 8px 32px 32px; }
section { background: #fff; border: 1px solid #ddd; border-radius: 6px; margin: 18px 0; padding: 4px 20px 18px; }
h2 { font-size: 19px; border-bottom: 1px solid #eee; padding-bottom: 6px; }
h3 { font-size: 15px; margin: 18px 0 8px; }
p.protocol { font-size: 13px; color: #555; margin: 4px 0 10px; }
table.metrics { border-collapse: collapse; font-size: 13px; }
table.metrics th, table.metrics td { padding: 4px 10px; border-bottom: 1px solid #e5e5e5; white-space: nowrap; }
table.metrics thead th { border-bottom: 2px solid #333; text-align: right; }
table.metrics thead th:nth-child(-n+2) { text-align: left; }
table.metrics td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.metrics tbody tr:hover { background: #f3f6fa; }
table.metrics strong { color: #0a6b2b; }
.sd { color: #777; font-size: 11px; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(620px, 1fr)); gap: 12px; }
.charts figure { margin: 0; border: 1px solid #eee; padding: 6px; overflow-x: auto; }
.charts svg { max-width: 100%; height: auto; }
.grids { display: flex; flex-wrap: wrap; gap: 12px; }
.grids figure { margin: 0; width: 176px; }
.grids img, .sheet img { image-rendering: pixelated; display: block; border: 1px solid #ccc; background: #fff; }
.grids img { width: 176px; height: auto; }
figcaption { font-size: 11px; color: #444; margin-top: 3px; font-family: "DejaVu Sans Mono", monospace; word-break: break-all; }
.sheet img { max-width: 100%; height: auto; }
table.defs { border-collapse: collapse; font-size: 12px; }
table.defs td { border-bottom: 1px solid #eee; padding: 3px 8px; vertical-align: top; }
footer { color: #777; font-size: 12px; padding: 0 32px 24px; }
`;

/**
 * Reads the width of a PNG from its IHDR chunk.
 *
 * @param png PNG bytes.
 * @returns The width in pixels, or 0 when not a PNG.
 */
function pngWidth(png: Uint8Array): number {
  if (png.length < 24 || png[1] !== 0x50 || png[2] !== 0x4e) return 0;
  return new DataView(png.buffer, png.byteOffset, png.byteLength).getUint32(
    16,
  );
}

/**
 * A PNG as a `data:` URI.
 *
 * @param png PNG bytes.
 * @returns `data:image/png;base64,…`.
 * @example
 * ```ts
 * import { pngDataUri } from "./html_report.ts";
 * import assert from "node:assert/strict";
 * assert.equal(pngDataUri(new Uint8Array([1, 2])), "data:image/png;base64,AQI=");
 * ```
 */
export function pngDataUri(png: Uint8Array): string {
  return `data:image/png;base64,${
    Buffer.from(png.buffer, png.byteOffset, png.byteLength).toString("base64")
  }`;
}

/** The id of a data set's section. */
function anchor(dataset: string): string {
  return `ds-${dataset.replace(/[^A-Za-z0-9_-]/g, "_")}`;
}

const e = htmlEscape;

/** The document head, the header with the provenance and the navigation. */
function headLines(input: HtmlReportInput): string[] {
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>ganbench report: ${e(input.title)}</title>`,
    `<style>${CSS}</style>`,
    "</head>",
    "<body>",
    "<header>",
    `<h1>ganbench report: ${e(input.title)}</h1>`,
    "<dl>",
    ...input.meta.map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v)}</dd>`),
    "</dl>",
    "</header>",
    "<nav>",
    ...input.sections.map((s) =>
      `<a href="#${anchor(s.dataset)}">${e(s.dataset)}</a>`
    ),
    input.contactSheet ? '<a href="#contact-sheet">contact sheet</a>' : "",
    '<a href="#definitions">definitions</a>',
    "</nav>",
  ];
}

/** One data set's section: table, training curves, final grids. */
function sectionLines(s: ReportSection): string[] {
  const parts = [
    `<section id="${anchor(s.dataset)}">`,
    `<h2>${e(s.dataset)}</h2>`,
    `<p class="protocol">${e(s.protocol)}</p>`,
    htmlTable(s.table),
    `<p class="protocol">Mean ± sample std over seeds (final evaluation of each cell); best per column in <strong>bold green</strong>.</p>`,
  ];
  if (s.charts.length > 0) {
    parts.push(
      "<h3>Training curves</h3>",
      '<div class="charts">',
      ...s.charts.map((c) =>
        `<figure class="chart" data-metric="${e(c.metric)}">${c.svg}</figure>`
      ),
      "</div>",
    );
  }
  if (s.grids.length > 0) {
    parts.push(
      "<h3>Final samples of each cell</h3>",
      '<div class="grids">',
      ...s.grids.map((g) =>
        `<figure><img src="${pngDataUri(g.png)}" alt="${
          e(g.caption)
        }"><figcaption>${e(g.caption)}</figcaption></figure>`
      ),
      "</div>",
    );
  }
  parts.push("</section>");
  return parts;
}

/** The contact sheet's section. */
function contactSheetLines(sheet: EmbeddedPng): string[] {
  const w = pngWidth(sheet.png);
  // Small sheets are scaled up by an integer factor to stay crisp.
  const scale = w > 0 ? Math.max(1, Math.floor(900 / w)) : 1;
  return [
    '<section id="contact-sheet" class="sheet">',
    "<h2>Contact sheet</h2>",
    `<p class="protocol">${e(sheet.caption)}</p>`,
    `<img src="${pngDataUri(sheet.png)}" alt="contact sheet"${
      w > 0 ? ` width="${w * scale}"` : ""
    }>`,
    "</section>",
  ];
}

/** The column definitions' section and the end of the page. */
function tailLines(input: HtmlReportInput): string[] {
  return [
    '<section id="definitions">',
    "<h2>Column definitions</h2>",
    '<table class="defs"><tbody>',
    ...input.definitions.map(([name, unit, def]) =>
      `<tr><td><code>${e(name)}</code></td><td>${e(unit)}</td><td>${
        e(def)
      }</td></tr>`
    ),
    "</tbody></table>",
    "</section>",
    "</main>",
    `<footer>Generated by ganbench report. Charts: Vega-Lite rendered to SVG.</footer>`,
    "</body>",
    "</html>",
    "",
  ];
}

/**
 * Renders the report page.
 *
 * @param input Title, provenance, sections, contact sheet and definitions.
 * @returns The HTML document.
 * @example
 * ```ts
 * import { renderHtmlReport } from "./html_report.ts";
 * import assert from "node:assert/strict";
 * const html = renderHtmlReport({
 *   title: "a < b", meta: [["spec", "smoke"]], sections: [], contactSheet: undefined, definitions: [],
 * });
 * assert.ok(html.includes("<style>"));
 * assert.ok(html.includes("a &lt; b")); // escaped
 * ```
 */
export function renderHtmlReport(input: HtmlReportInput): string {
  const parts = [
    ...headLines(input),
    "<main>",
    ...input.sections.flatMap(sectionLines),
    ...(input.contactSheet ? contactSheetLines(input.contactSheet) : []),
    ...tailLines(input),
  ];
  return parts.filter((p) => p !== "").join("\n");
}
