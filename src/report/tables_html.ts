/**
 * The report tables as HTML: one `<table>` per data set, the best per
 * column in `<strong>`, std in a `<span class="sd">`.
 *
 * @example
 * ```ts
 * import { htmlTable } from "./tables_html.ts";
 * import assert from "node:assert/strict";
 * assert.ok(htmlTable({ dataset: "m", columns: [], rows: [], targets: {} }).startsWith("<table"));
 * ```
 *
 * @module
 */
import type { DatasetTable } from "./tables.ts";
import { formatMeanStd, seedsText } from "./tables.ts";

/**
 * Escapes text for HTML element content and attribute values.
 *
 * @param text Plain text.
 * @returns Escaped text.
 * @example
 * ```ts
 * import { htmlEscape } from "./tables_html.ts";
 * import assert from "node:assert/strict";
 * assert.equal(htmlEscape("<a & b>"), "&lt;a &amp; b&gt;");
 * assert.equal(htmlEscape(`"it's"`), "&quot;it&#39;s&quot;");
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
 * import { htmlTable } from "./tables_html.ts";
 * import { REPORT_COLUMNS } from "./tables.ts";
 * import assert from "node:assert/strict";
 * const fid = REPORT_COLUMNS[0]; // FID, lower is better
 * const html = htmlTable({
 *   dataset: "m", columns: [fid], targets: {},
 *   rows: [{ variant: "mlp", loss: "ns", seeds: 2, diverged: 0, values: [{ values: [3, 5], mean: 4, std: 1.41421, n: 2 }], best: [true] }],
 * });
 * assert.ok(html.startsWith('<table class="metrics">'));
 * assert.ok(html.includes('<td class="num"><strong>4.000 <span class="sd">± 1.414</span></strong></td>'));
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
