/**
 * Escaping of untrusted text (ids, names, paths read from a results
 * directory) for the Markdown that `report` and `compare` write: a
 * `report.md` and a pull-request comment must not let a variant or an
 * evaluator name inject HTML or break a table.
 *
 * @module
 */

/**
 * Escapes text for Markdown prose and table cells: `&`, `<`, `>` as HTML
 * entities (no tag can form), `\`, `|`, `` ` ``, `*`, `[`, `]` with a
 * backslash (no table break, code span, emphasis or link), line breaks as
 * spaces.
 *
 * @param text Plain text.
 * @returns Markdown that renders as `text`.
 * @example
 * ```ts
 * import { markdownText } from "./markdown_escape.ts";
 * import assert from "node:assert/strict";
 * assert.equal(markdownText("a|<b>"), "a\\|&lt;b&gt;");
 * ```
 */
export function markdownText(text: string): string {
  const entities: Record<string, string> = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
  };
  return text
    .replace(/[\\|`*[\]]/g, (ch) => `\\${ch}`)
    .replace(/[&<>]/g, (ch) => entities[ch])
    .replace(/\r?\n|\r/g, " ");
}

/**
 * Text as an inline code span when that is safe (no backtick, pipe or line
 * break: HTML inside a code span is shown, not interpreted), else as
 * escaped prose ({@linkcode markdownText}).
 *
 * @param text Plain text.
 * @returns Markdown that renders as `text`.
 * @example
 * ```ts
 * import { markdownCode } from "./markdown_escape.ts";
 * import assert from "node:assert/strict";
 * assert.equal(markdownCode("results/pr"), "`results/pr`");
 * assert.equal(markdownCode("a|b"), "a\\|b");
 * ```
 */
export function markdownCode(text: string): string {
  return /[`|\r\n]/.test(text) ? markdownText(text) : `\`${text}\``;
}
