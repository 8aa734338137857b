/**
 * Ids and names read from a results directory are untrusted text (issue
 * 17): report.md, report.html and the compare Markdown (a PR comment) must
 * not let a variant, cell, evaluator or device containing `<script>` or `|`
 * inject markup or break a table. Also: damaged metrics.csv is bad input
 * for `report` (exit 2), not a crash or a silent pass.
 */
import { join } from "node:path";
import { assert } from "../_assert.ts";
import { UsageError } from "../../src/cli/_args.ts";
import { compareCommand } from "../../src/cli/compare.ts";
import { reportCommand } from "../../src/cli/report.ts";
import { csvRecords, readCsv, writeCsvFile } from "../../src/results/csv.ts";
import {
  markdownCode,
  markdownText,
} from "../../src/report/markdown_escape.ts";
import { seedCells, writeResults } from "../fixtures/report/make_results.ts";
import type { Command } from "../../src/cli/_command.ts";

const root = await Deno.makeTempDir({ prefix: "ganbench-escape-" });
const HOSTILE_VARIANT = "ml<script>alert(1)</script>|p";
const HOSTILE_EVALUATOR = "<img src=x onerror=alert(2)>|ev";
const HOSTILE_DEVICE = "cpu | <b>x</b> `tick`";

/** A fixture run whose summary.csv carries hostile names. */
async function hostileRun(name: string): Promise<string> {
  const dir = join(root, name);
  await writeResults(dir, {
    cells: [
      ...seedCells("mlp", "ns", { fid: [100, 101, 99] }),
      ...seedCells("dcgan", "ns", { fid: [90, 91, 89] }),
    ],
    withCurves: true,
  });
  for (const file of ["summary.csv", "metrics.csv"]) {
    const path = join(dir, file);
    const table = readCsv(path);
    const rows = csvRecords(table).map((r): Record<string, string> => ({
      ...r,
      variant: r.variant === "mlp" ? HOSTILE_VARIANT : r.variant,
      evaluator: HOSTILE_EVALUATOR,
      device: HOSTILE_DEVICE,
    }));
    writeCsvFile(
      path,
      table.columns,
      rows.map((r) => table.columns.map((c) => r[c])),
    );
  }
  return dir;
}

async function run(
  command: Command,
  ...args: string[]
): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const [log, error] = [console.log, console.error];
  console.log = (...a: unknown[]) => out.push(a.join(" "));
  console.error = (...a: unknown[]) => err.push(a.join(" "));
  try {
    const code = await command.run(args);
    return { code, out: out.join("\n"), err: err.join("\n") };
  } catch (e) {
    if (e instanceof UsageError) {
      return { code: 2, out: out.join("\n"), err: e.message };
    }
    throw e;
  } finally {
    console.log = log;
    console.error = error;
  }
}

/** The cells of a Markdown table row, split on unescaped pipes. */
function tableCells(line: string): string[] {
  return line.trim().replace(/^\|/, "").replace(/(?<!\\)\|$/, "").split(
    /(?<!\\)\|/,
  );
}

/** Every table row has as many cells as its header. */
function assertTablesIntact(md: string): void {
  const lines = md.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i + 1]?.startsWith("|---")) continue;
    const width = tableCells(lines[i]).length;
    for (let j = i + 1; j < lines.length && lines[j].startsWith("|"); j++) {
      assert.equal(tableCells(lines[j]).length, width, lines[j]);
    }
  }
}

/** No raw tag from the hostile names survives. */
function assertNoInjectedTags(text: string): void {
  assert.ok(!/<script/i.test(text), "no <script>");
  assert.ok(!/<img src=x/i.test(text), "no <img src=x>");
  assert.ok(!/<b>x<\/b>/.test(text), "no <b>");
}

Deno.test("markdownText / markdownCode escape HTML, pipes and backticks", () => {
  assert.equal(
    markdownText("a<b>|c&d\\e\nf"),
    "a&lt;b&gt;\\|c&amp;d\\\\e f",
  );
  assert.equal(markdownCode("mnist-mlp"), "`mnist-mlp`");
  // Not a code span when a backtick or pipe would break out of it.
  assert.equal(markdownCode("a`b|<c>"), "a\\`b\\|&lt;c&gt;");
});

Deno.test("report.md and report.html: hostile ids and names are escaped", async () => {
  const dir = await hostileRun("report");
  const r = await run(reportCommand, dir);
  assert.equal(r.code, 0, r.err);
  const md = await Deno.readTextFile(join(dir, "report.md"));
  assertNoInjectedTags(md);
  assertTablesIntact(md);
  assert.ok(md.includes("ml&lt;script&gt;alert(1)&lt;/script&gt;\\|p"));
  const html = await Deno.readTextFile(join(dir, "report.html"));
  assertNoInjectedTags(html);
  assert.ok(html.includes("ml&lt;script&gt;"));
});

Deno.test("compare Markdown (PR comment): hostile ids and names are escaped", async () => {
  const base = await hostileRun("base");
  const cand = await hostileRun("cand");
  // Output folders that do not exist yet are made (was: exit 1, OS error).
  const mdPath = join(root, "new", "pr", "comment.md");
  const jsonPath = join(root, "new2", "compare.json");
  const r = await run(
    compareCommand,
    base,
    cand,
    "--markdown",
    mdPath,
    "--out",
    jsonPath,
  );
  assert.equal(r.code, 0, r.err);
  assert.ok((await Deno.stat(jsonPath)).isFile);
  const md = await Deno.readTextFile(mdPath);
  assertNoInjectedTags(md);
  assertTablesIntact(md);
  assert.ok(md.includes("ml&lt;script&gt;alert(1)&lt;/script&gt;\\|p"));
});

Deno.test("report: a cut-off or malformed metrics.csv is bad input (exit 2, one line)", async () => {
  const dir = join(root, "damaged");
  await writeResults(dir, {
    cells: seedCells("mlp", "ns", { fid: [100, 101] }),
    withCurves: true,
  });
  const path = join(dir, "metrics.csv");
  const text = await Deno.readTextFile(path);
  await Deno.writeTextFile(path, text.slice(0, -25));
  const cut = await run(reportCommand, dir);
  assert.equal(cut.code, 2, cut.err);
  assert.match(cut.err, /metrics\.csv: line 7 is cut off/);
  await Deno.writeTextFile(path, `${text}a,b\n`);
  const bad = await run(reportCommand, dir);
  assert.equal(bad.code, 2, bad.err);
  assert.match(bad.err, /metrics\.csv: line 8 has 2 fields, expected \d+$/);
  assert.ok(!bad.err.includes("\n"));
});
