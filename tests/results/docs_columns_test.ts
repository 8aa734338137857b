/**
 * The column tables of `docs/outputs.md` are the ones `columnsMarkdown`
 * generates from the column definitions the CSV writers use.
 *
 * @module
 */
import { assert } from "../_assert.ts";
import {
  columnsMarkdown,
  METRICS_COLUMNS,
  SUMMARY_COLUMNS,
} from "../../src/results/columns.ts";

const DOC = "docs/outputs.md";
const doc = await Deno.readTextFile(new URL(`../../${DOC}`, import.meta.url));

/** The table between `<!-- columns:NAME -->` and `<!-- /columns:NAME -->`. */
function section(name: string): string {
  const match = new RegExp(
    `<!-- columns:${name} -->\\n([\\s\\S]*?)\\n<!-- /columns:${name} -->`,
  ).exec(doc);
  assert.ok(match, `${DOC} has no <!-- columns:${name} --> table`);
  return match[1].trim();
}

/** Table rows as trimmed cells, without the separator row (fmt pads tables). */
function cells(table: string): string[][] {
  return table.trim().split("\n")
    .filter((line) => !/^\|[\s:|-]+\|$/.test(line))
    .map((line) =>
      line.replace(/^\||\|$/g, "").split(" | ").map((c) => c.trim())
    );
}

Deno.test("docs/outputs.md documents exactly the columns the writers write", () => {
  assert.deepEqual(
    cells(section("metrics")),
    cells(columnsMarkdown(METRICS_COLUMNS)),
  );
  assert.deepEqual(
    cells(section("summary")),
    cells(columnsMarkdown(SUMMARY_COLUMNS)),
  );
});
