import { assert } from "../_assert.ts";
import {
  columnsMarkdown,
  METRICS_COLUMNS,
  SUMMARY_COLUMNS,
} from "../../src/report/columns.ts";

const readme = await Deno.readTextFile(
  new URL("../../README.md", import.meta.url),
);

function section(name: string): string {
  const match = new RegExp(
    `<!-- columns:${name} -->\\n([\\s\\S]*?)\\n<!-- /columns:${name} -->`,
  ).exec(readme);
  assert.ok(match, `README has no <!-- columns:${name} --> table`);
  return match[1].trim();
}

Deno.test("README documents exactly the columns the writers write", () => {
  assert.equal(section("metrics"), columnsMarkdown(METRICS_COLUMNS).trim());
  assert.equal(section("summary"), columnsMarkdown(SUMMARY_COLUMNS).trim());
});
