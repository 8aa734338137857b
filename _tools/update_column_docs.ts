/**
 * Rewrites the generated column tables of `docs/outputs.md` (between
 * `<!-- columns:metrics -->` / `<!-- columns:summary -->` and their closing
 * markers) from the column definitions the CSV writers use. Run it after
 * changing `src/results/columns.ts`, then `deno fmt docs/outputs.md`;
 * `tests/results/docs_columns_test.ts` fails until the two agree.
 *
 * Run: `deno run --allow-read=docs --allow-write=docs _tools/update_column_docs.ts`
 *
 * @module
 */
import {
  columnsMarkdown,
  METRICS_COLUMNS,
  SUMMARY_COLUMNS,
} from "../src/results/columns.ts";

const DOC = new URL("../docs/outputs.md", import.meta.url);

/**
 * Replaces the table between a section's markers.
 *
 * @param doc The document text.
 * @param name The section name (`metrics` or `summary`).
 * @param table The new table.
 * @returns The document with the section replaced.
 * @throws Error when the markers are missing.
 */
export function replaceSection(
  doc: string,
  name: string,
  table: string,
): string {
  const re = new RegExp(
    `(<!-- columns:${name} -->\\n)[\\s\\S]*?(\\n<!-- /columns:${name} -->)`,
  );
  if (!re.test(doc)) throw new Error(`docs/outputs.md: no ${name} markers`);
  return doc.replace(re, (_m, open, close) => `${open}${table.trim()}${close}`);
}

if (import.meta.main) {
  let doc = await Deno.readTextFile(DOC);
  doc = replaceSection(doc, "metrics", columnsMarkdown(METRICS_COLUMNS));
  doc = replaceSection(doc, "summary", columnsMarkdown(SUMMARY_COLUMNS));
  await Deno.writeTextFile(DOC, doc);
  console.log("docs/outputs.md: column tables rewritten");
}
