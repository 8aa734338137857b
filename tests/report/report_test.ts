/**
 * Tests of `ganbench report` (src/cli/report.ts, tables.ts, charts.ts,
 * html_report.ts) on a small results directory written in a temp dir.
 */
import { join } from "node:path";
import { assert } from "../_assert.ts";
import { UsageError } from "../../src/cli/_args.ts";
import { reportCommand } from "../../src/cli/report.ts";
import { writeReport } from "../../src/report/write_report.ts";
import { groupCells } from "../../src/report/aggregate.ts";
import {
  buildTables,
  formatMeanStd,
  markdownTables,
} from "../../src/report/tables.ts";
import { latexEscape } from "../../src/report/tables_latex.ts";
import { lineChartSvg } from "../../src/report/charts.ts";
import { seedCells, writeResults } from "../fixtures/report/make_results.ts";

const root = await Deno.makeTempDir({ prefix: "ganbench-report-" });
const run = join(root, "run");
await writeResults(run, {
  withCurves: true,
  cells: [
    // mlp/ns: best FID (lowest), mlp/hinge: best IS, cgan/wgan_gp-like id
    // with an underscore-free loss but an underscore in the data set below.
    ...seedCells("mlp", "ns", {
      fid: [50, 52],
      is_mean: [2, 2.2],
      eq_gap: [0.3, 0.5],
      d_auc: [0.65, 0.75],
      ssim_div: [0.3, 0.3],
      ssim_div_real: [0.1, 0.1],
      train_images_per_s: [100, 120],
    }),
    ...seedCells("mlp", "hinge", {
      fid: [70, 74],
      is_mean: [3, 3.2],
      eq_gap: [0.2, 0.2],
      d_auc: [0.6, 0.6],
      ssim_div: [0.12, 0.14],
      ssim_div_real: [0.1, 0.1],
      train_images_per_s: [300, 320],
    }),
    ...seedCells("cgan", "wgan-gp", {
      fid: [90, 96],
      is_mean: [1.5, 1.6],
      eq_gap: [0.1, 0.1],
      d_auc: [0.45, 0.45],
      ssim_div: [0.5, 0.6],
      ssim_div_real: [0.1, 0.1],
      train_images_per_s: [50, 60],
    }),
    { variant: "cgan", loss: "wgan-gp", seed: 2, status: "diverged" },
  ],
});
const files = await writeReport(run);

function tableRows(md: string): string[][] {
  return md.split("\n").filter((l) =>
    l.startsWith("| ") && !l.startsWith("|---")
  )
    .map((l) => l.slice(2, -2).split(" | "));
}

Deno.test("report: writes report.md, report.tex and report.html", async () => {
  for (const f of [files.md, files.tex, files.html]) {
    assert.ok(f !== undefined);
    assert.ok((await Deno.stat(f!)).size > 0, f);
  }
  assert.equal(files.md, join(run, "report.md"));
});

Deno.test("report.md: one row per variant × loss, mean ± std, best in bold", async () => {
  const md = await Deno.readTextFile(files.md!);
  assert.match(md, /^# ganbench report: fixture$/m);
  assert.match(md, /^### synthetic$/m);
  const [header, ...rows] = tableRows(md);
  assert.deepEqual(header.slice(0, 5), [
    "variant",
    "loss",
    "seeds",
    "FID ↓",
    "KID ↓",
  ]);
  assert.deepEqual(rows.map((r) => r.slice(0, 3)), [
    ["mlp", "ns", "2"],
    ["mlp", "hinge", "2"],
    ["cgan", "wgan-gp", "3 (1 div.)"],
  ]);
  const col = (name: string) => header.indexOf(name);
  // FID: mean ± sample std; lowest in bold
  assert.equal(rows[0][col("FID ↓")], "**51.00 ± 1.41**");
  assert.equal(rows[1][col("FID ↓")], "72.00 ± 2.83");
  assert.equal(rows[2][col("FID ↓")], "93.00 ± 4.24", "diverged seed left out");
  // IS: highest in bold
  assert.equal(rows[1][col("IS ↑")], "**3.100 ± 0.141**");
  assert.ok(!rows[0][col("IS ↑")].includes("**"));
  // eq_gap lowest; d_auc closest to 0.5; ssim_div closest to ssim_div_real
  assert.match(rows[2][col("eq_gap ↓")], /^\*\*0\.1000/);
  assert.match(rows[2][col("d_auc →0.5")], /^\*\*0\.4500/);
  assert.match(rows[1][col("ssim_div →real")], /^\*\*0\.1300/);
  assert.match(rows[1][col("img/s ↑")], /^\*\*310\.0/);
  // KID ties in every row: nothing marked
  assert.ok(rows.every((r) => !r[col("KID ↓")].includes("**")));
  assert.match(md, /!\[contact sheet\]\(grids\/contact_sheet\.png\)/);
});

Deno.test("report.tex: balanced booktabs tables, escaped underscores", async () => {
  const tex = await Deno.readTextFile(files.tex!);
  const count = (re: RegExp) => (tex.match(re) ?? []).length;
  assert.match(tex, /\\usepackage\{booktabs\}/);
  assert.equal(count(/\\begin\{tabular\}/g), 1);
  assert.equal(count(/\\end\{tabular\}/g), 1);
  assert.equal(count(/\\begin\{table\}/g), count(/\\end\{table\}/g));
  assert.equal(count(/\\begin\{document\}/g), 1);
  assert.equal(count(/\\end\{document\}/g), 1);
  assert.ok(tex.indexOf("\\toprule") < tex.indexOf("\\midrule"));
  assert.ok(tex.indexOf("\\midrule") < tex.indexOf("\\bottomrule"));
  // Every underscore outside the comment line is escaped.
  for (const line of tex.split("\n").filter((l) => !l.startsWith("%"))) {
    assert.ok(!/(^|[^\\])_/.test(line), `unescaped _ in: ${line}`);
  }
  assert.match(tex, /eq\\_gap/);
  // Column spec has one column per header cell.
  const spec = /\\begin\{tabular\}\{([a-z]+)\}/.exec(tex)![1];
  const headerLine = tex.split("\n").find((l) => l.startsWith("variant &"))!;
  assert.equal(headerLine.split(" & ").length, spec.length);
  for (const row of tex.split("\n").filter((l) => / & .*\\\\$/.test(l))) {
    assert.equal(row.split(" & ").length, spec.length, row);
  }
  // The best FID in bold math, braces balanced.
  assert.match(tex, /mlp & ns & 2 & \$\\mathbf\{51\.00 \\pm 1\.41\}\$/);
  let depth = 0;
  for (const ch of tex.replace(/\\[{}]/g, "")) {
    if (ch === "{") depth++;
    if (ch === "}") depth--;
    assert.ok(depth >= 0);
  }
  assert.equal(depth, 0, "balanced braces");
});

Deno.test("report.html: self-contained with inline SVG charts and data: images", async () => {
  const html = await Deno.readTextFile(files.html!);
  assert.ok(html.startsWith("<!doctype html>"));
  // five curves of the one data set: fid, is_mean, eq_gap, d_loss, g_loss
  const charts = [
    ...html.matchAll(/<figure class="chart" data-metric="([a-z_]+)"><svg /g),
  ]
    .map((m) => m[1]);
  assert.deepEqual(charts, ["fid", "is_mean", "eq_gap", "d_loss", "g_loss"]);
  assert.equal((html.match(/<\/svg>/g) ?? []).length, 5);
  // Vega drew one line path per cell that has data: 3 groups × 2 seeds + the
  // diverged seed's two early evaluations = 7 series in the FID chart.
  const fidSvg = html.slice(
    html.indexOf('data-metric="fid"'),
    html.indexOf('data-metric="is_mean"'),
  );
  assert.match(fidSvg, /variant · loss/);
  assert.equal(
    (fidSvg.match(/aria-roledescription="line mark"/g) ?? []).length,
    7,
  );
  assert.match(fidSvg, /cgan · wgan-gp/);
  // final grid of every cell (7) + contact sheet, all as data: URIs
  const images = [...html.matchAll(/<img src="([^"]+)"/g)].map((m) => m[1]);
  assert.equal(images.length, 7 + 1);
  assert.ok(
    images.every((src) => src.startsWith("data:image/png;base64,iVBOR")),
  );
  assert.match(html, /synthetic-cgan-wgan-gp-s2 · step 12 · diverged/);
  // nothing loaded from elsewhere
  assert.ok(!/(src|href)="(https?:)?\/\//.test(html));
  assert.ok(!/<script/i.test(html));
  assert.match(
    html,
    /<strong>51\.00 <span class="sd">± 1\.41<\/span><\/strong>/,
  );
  // SVG ids are unique across the inlined charts
  const ids = [...html.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
  assert.equal(new Set(ids).size, ids.length);
});

Deno.test("report: --out and --formats; bad input is a usage error", async () => {
  const out = join(root, "elsewhere");
  assert.equal(
    await reportCommand.run([run, "--out", out, "--formats", "md"]),
    0,
  );
  const md = await Deno.readTextFile(join(out, "report.md"));
  assert.match(
    md,
    /!\[contact sheet\]\(\.\.\/run\/grids\/contact_sheet\.png\)/,
  );
  await assert.rejects(Deno.stat(join(out, "report.html")));
  await assert.rejects(
    reportCommand.run([join(root, "missing")]),
    (e: unknown) =>
      e instanceof UsageError && /no such directory/.test(e.message),
  );
  await assert.rejects(
    reportCommand.run([run, "--formats", "pdf"]),
    UsageError,
  );
});

Deno.test("tables: formatting, escaping and single-seed rows", () => {
  assert.deepEqual(
    formatMeanStd({ values: [1, 2], mean: 1.5, std: 0.7071, n: 2 }),
    { mean: "1.500", std: "0.707" },
  );
  assert.deepEqual(formatMeanStd({ values: [3], mean: 3, std: NaN, n: 1 }), {
    mean: "3.000",
    std: "",
  });
  assert.equal(
    formatMeanStd({ values: [], mean: NaN, std: NaN, n: 0 }).mean,
    "—",
  );
  assert.equal(
    latexEscape("a_b & 5% #1 {x} ~ ^ \\"),
    "a\\_b \\& 5\\% \\#1 \\{x\\} \\textasciitilde{} \\textasciicircum{} \\textbackslash{}",
  );
  const md = markdownTables(buildTables(groupCells([
    {
      cell: "d-mlp-ns-s0",
      dataset: "d",
      variant: "mlp",
      loss: "ns",
      seed: "0",
      status: "finished",
      fid: "7",
    },
  ])));
  assert.match(md, /\| mlp \| ns \| 1 \| 7\.000 \|/, "one row: no ±, no bold");
});

Deno.test("charts: Vega-Lite renders a line per series to SVG", async () => {
  const svg = await lineChartSvg([
    { x: 0, y: 1, series: "a", seed: "0" },
    { x: 1, y: 2, series: "a", seed: "0" },
    { x: 0, y: 3, series: "b", seed: "0" },
    { x: 1, y: 1, series: "b", seed: "0" },
  ], { title: "T", xTitle: "step", yTitle: "fid" });
  assert.ok(svg.startsWith("<svg"));
  assert.ok(svg.trimEnd().endsWith("</svg>"));
  // one line mark per series, in two colours, and the titles
  const lines = [
    ...svg.matchAll(
      /<path [^>]*aria-roledescription="line mark" d="([^"]+)" stroke="([^"]+)"/g,
    ),
  ];
  assert.equal(lines.length, 2);
  assert.equal(new Set(lines.map((m) => m[2])).size, 2, "two colours");
  // series a rises from y=1 to y=2 across the 520 px plot: M0,yL520,y'
  assert.ok(lines.some((m) => /^M0,[\d.]+L520,[\d.]+$/.test(m[1])));
  assert.match(svg, />T</);
  assert.match(svg, />step</);
});
