/**
 * `report.md` adds a diagnostics table per data set with the issue-#15
 * columns the run measured (precision, recall, density, coverage, mode
 * coverage, copy rates, label accuracy), ranked in each column's direction,
 * and leaves it out when no cell measured any of them.
 */
import { join } from "node:path";
import { assert } from "../_assert.ts";
import { writeReport } from "../../src/report/write_report.ts";
import { seedCells, writeResults } from "../fixtures/report/make_results.ts";

const root = await Deno.makeTempDir({ prefix: "ganbench-report-diag-" });

/** The rows of the Markdown table under `heading`, header first. */
function tableAfter(md: string, heading: string): string[][] {
  const lines = md.split("\n");
  const start = lines.indexOf(heading);
  assert.ok(start >= 0, `no ${heading} in report.md`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith("|")) break;
    if (!line.startsWith("|---")) rows.push(line.slice(2, -2).split(" | "));
  }
  return rows;
}

Deno.test("report.md: a diagnostics table with the measured columns, best per direction", async () => {
  const run = join(root, "measured");
  await writeResults(run, {
    cells: [
      ...seedCells("mlp", "ns", {
        precision: [0.6, 0.8],
        recall: [0.2, 0.4],
        density: [1.4, 1.6],
        class_kl: [0.5, 0.7],
      }),
      ...seedCells("mlp", "hinge", {
        precision: [0.5, 0.5],
        recall: [0.5, 0.7],
        density: [0.9, 1.0],
        class_kl: [0.1, 0.3],
      }),
    ],
  });
  const md = await Deno.readTextFile((await writeReport(run)).md!);
  const [header, ns, hinge] = tableAfter(md, "### synthetic: diagnostics");
  assert.deepEqual(header, [
    "variant",
    "loss",
    "seeds",
    "precision ↑",
    "recall ↑",
    "density →1",
    "class_kl ↓",
  ]);
  const col = (name: string) => header.indexOf(name);
  assert.match(ns[col("precision ↑")], /^\*\*0\.7000 ± 0\.1414\*\*$/);
  assert.match(hinge[col("recall ↑")], /^\*\*0\.6000/);
  // density 1.5 against 0.95: 0.95 is closer to 1
  assert.match(hinge[col("density →1")], /^\*\*0\.9500/);
  assert.ok(!ns[col("density →1")].includes("**"));
  assert.match(hinge[col("class_kl ↓")], /^\*\*0\.2000/);
});

Deno.test("report.md: no diagnostics table when no cell measured the columns", async () => {
  const run = join(root, "unmeasured");
  await writeResults(run, {
    cells: seedCells("mlp", "ns", { fid: [50, 52] }),
  });
  const md = await Deno.readTextFile((await writeReport(run)).md!);
  assert.match(md, /^### synthetic$/m);
  assert.doesNotMatch(md, /diagnostics$/m);
});
