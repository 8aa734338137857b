/**
 * Writes the report of a results directory: `report.md`, `report.tex` and a
 * self-contained `report.html`: one table per data set (rows variant ×
 * loss, headline metrics as mean ± std over seeds, the best per column
 * marked), the training curves (Vega-Lite → SVG), the final sample grid of
 * every cell and the contact sheet.
 *
 * @example
 * ```ts
 * import { writeReport } from "./write_report.ts";
 * import assert from "node:assert/strict";
 * // Not a results directory: a one-line error naming it.
 * await assert.rejects(writeReport("/tmp/ganbench-no-such-run"), /ganbench-no-such-run: no such directory/);
 * ```
 *
 * @module
 */
import { join, relative } from "node:path";
import type { RunData } from "./aggregate.ts";
import { groupCells, loadMetricsRows, loadRun } from "./aggregate.ts";
import {
  buildTables,
  diagnosticTables,
  markdownTables,
  REPORT_COLUMNS,
  TRANSLATION_REPORT_COLUMNS,
} from "./tables.ts";
import { latexDocument } from "./tables_latex.ts";
import type { DatasetTable } from "./tables.ts";
import { curveCharts } from "./charts.ts";
import { renderHtmlReport } from "./html_report.ts";
import type { EmbeddedPng, ReportSection } from "./html_report.ts";
import { finalGridPath } from "../results/contact_sheet.ts";
import { SUMMARY_COLUMNS } from "../results/columns.ts";
import { contactSheetPath } from "../results/layout.ts";
import { ID_PATTERN } from "../spec/schema.ts";
import { markdownCode, markdownText } from "./markdown_escape.ts";
import { htmlEscape } from "./tables_html.ts";

/** The report formats, in the order they are written. */
export const REPORT_FORMATS = ["md", "tex", "html"] as const;

/** A report output format. */
export type ReportFormat = typeof REPORT_FORMATS[number];

/** Options of {@linkcode writeReport}. */
export interface ReportOptions {
  /** Output directory (default: the results directory). */
  outDir?: string;
  /** Which files (default all: md, tex, html). */
  formats?: readonly ReportFormat[];
}

/** The files {@linkcode writeReport} wrote. */
export interface ReportFiles {
  /** `report.md`, when written. */
  md?: string;
  /** `report.tex`, when written. */
  tex?: string;
  /** `report.html`, when written. */
  html?: string;
}

/** The line under a data set's table: evaluator, sizes, cells, devices. */
function protocolLine(run: RunData, table: DatasetTable): string {
  const rows = run.summary.filter((r) => r.dataset === table.dataset);
  const uniq = (
    k: string,
  ) => [...new Set(rows.map((r) => r[k]).filter((v) => v))];
  const configs = rows.map((r) => run.configs.get(r.cell)).filter((c) => c);
  const cfg = (k: "steps" | "batchSize" | "budget") => [
    ...new Set(configs.map((c) => String(c![k] ?? "g-steps"))),
  ];
  return [
    `evaluator ${uniq("evaluator").join(", ")} (md5 ${
      uniq("evaluator_md5").map((m) => m.slice(0, 8)).join(", ")
    })`,
    `n_eval ${uniq("n_eval").join(", ")}`,
    configs.length
      ? `${cfg("steps").join(", ")} ${cfg("budget").join(", ")}`
      : "",
    configs.length ? `batch ${cfg("batchSize").join(", ")}` : "",
    `${rows.length} cell(s)`,
    `${uniq("backend").join(", ")} on ${uniq("device").join(", ")}`,
  ].filter((s) => s).join(" · ");
}

/** Where the run came from, as (label, value) pairs with a value. */
function provenance(run: RunData): [string, string][] {
  const m = run.manifest;
  const str = (v: unknown) => typeof v === "string" ? v : "";
  return ([
    ["results", run.dir],
    ["spec", `${m.spec.name} (hash ${m.specHash.slice(0, 12)})`],
    ["created", str(m.created)],
    ["ganbench", str(m.ganbench)],
    ["deno / tfjs", [str(m.deno), str(m.tfjs)].filter((s) => s).join(" / ")],
    ["git", str(m.git)],
    [
      "backend",
      [...new Set(run.summary.map((r) => `${r.backend} on ${r.device}`))].join(
        "; ",
      ),
    ],
  ] as [string, string][]).filter(([, v]) => v !== "");
}

/** The contact sheet of a run, when it has one. */
interface ContactSheet {
  /** `grids/contact_sheet.png` of the results directory. */
  path: string;
  /** Its bytes. */
  png: Uint8Array;
}

async function readContactSheet(
  dir: string,
): Promise<ContactSheet | undefined> {
  const path = contactSheetPath(dir);
  try {
    return { path, png: await Deno.readFile(path) };
  } catch {
    return undefined;
  }
}

/** The text of `report.md`. */
function markdownReport(
  run: RunData,
  tables: readonly DatasetTable[],
  diagnostics: readonly DatasetTable[],
  outDir: string,
  sheet: ContactSheet | undefined,
): string {
  const lines = [
    `# ganbench report: ${markdownText(run.manifest.spec.name)}`,
    "",
    ...provenance(run).map(([k, v]) => `- ${k}: ${markdownCode(v)}`),
    "",
    "Mean ± sample std over seeds of each cell's final evaluation; best per column in **bold** (lowest FID, KID, eq_gap; highest IS, img/s; d_auc closest to 0.5; ssim_div closest to the real-pair value ssim_div_real). Each data set's diagnostics table (the columns some cell measured) ranks the same way: highest precision, recall, coverage, classes, label_acc; lowest class_kl and copy rates; density closest to 1.",
    "",
  ];
  for (const t of tables) {
    lines.push(
      markdownTables([t]).trimEnd(),
      "",
      `<sub>${htmlEscape(protocolLine(run, t))}</sub>`,
      "",
    );
    const d = diagnostics.find((x) => x.dataset === t.dataset);
    if (d) {
      lines.push(
        markdownTables([{ ...d, dataset: `${t.dataset}: diagnostics` }])
          .trimEnd(),
        "",
      );
    }
  }
  if (sheet) {
    lines.push(
      "## Contact sheet",
      "",
      `![contact sheet](${relative(outDir, sheet.path).split("\\").join("/")})`,
      "",
    );
  }
  return lines.join("\n");
}

/** The final sample grid of every cell of a data set, captioned. */
async function finalGrids(
  run: RunData,
  dataset: string,
): Promise<EmbeddedPng[]> {
  const grids: EmbeddedPng[] = [];
  for (const row of run.summary.filter((r) => r.dataset === dataset)) {
    // A cell id from an untrusted summary.csv must not lead outside grids/.
    if (!ID_PATTERN.test(row.cell ?? "")) continue;
    const path = await finalGridPath(run.dir, row.cell);
    if (!path) continue;
    const step = /(\d+)\.png$/.exec(path)?.[1] ?? "?";
    grids.push({
      caption: `${row.cell} · step ${step}${
        row.status === "diverged" ? " · diverged" : ""
      }`,
      png: await Deno.readFile(path),
    });
  }
  return grids;
}

/** The text of `report.html`. */
async function htmlReport(
  run: RunData,
  tables: readonly DatasetTable[],
  sheet: ContactSheet | undefined,
): Promise<string> {
  const charts = await curveCharts(loadMetricsRows(run.dir, run.manifest));
  const sections: ReportSection[] = [];
  for (const t of tables) {
    sections.push({
      dataset: t.dataset,
      protocol: protocolLine(run, t),
      table: t,
      charts: charts.filter((c) => c.dataset === t.dataset),
      grids: await finalGrids(run, t.dataset),
    });
  }
  const shown = new Set([
    ...REPORT_COLUMNS.map((c) => c.metric),
    ...TRANSLATION_REPORT_COLUMNS.map((c) => c.metric),
    "ssim_div_real",
    "d_loss",
    "g_loss",
  ]);
  return renderHtmlReport({
    title: run.manifest.spec.name,
    meta: provenance(run),
    sections,
    contactSheet: sheet
      ? {
        caption:
          "Final sample grid of the first seed of every (variant, loss): rows = variants, columns = losses.",
        png: sheet.png,
      }
      : undefined,
    definitions: SUMMARY_COLUMNS.filter((c) => shown.has(c.name)).map((
      c,
    ) => [c.name, c.unit, c.definition]),
  });
}

/**
 * Writes the report files of a results directory.
 *
 * @param dir The results directory.
 * @param options Output directory and formats.
 * @returns The paths written, in the order md, tex, html.
 * @throws ReportInputError One line naming the directory when it is not a
 *   results directory.
 * @example
 * ```ts
 * import { writeReport } from "./write_report.ts";
 * import assert from "node:assert/strict";
 * await assert.rejects(writeReport("/tmp/ganbench-no-such-run", { formats: ["md"] }), /no such directory/);
 * ```
 */
export async function writeReport(
  dir: string,
  options: ReportOptions = {},
): Promise<ReportFiles> {
  const run = await loadRun(dir);
  const outDir = options.outDir ?? dir;
  const formats = options.formats ?? REPORT_FORMATS;
  await Deno.mkdir(outDir, { recursive: true });
  const groups = groupCells(run.summary);
  const tables = buildTables(groups);
  const diagnostics = diagnosticTables(groups);
  const title = run.manifest.spec.name;
  const sheet = await readContactSheet(dir);
  const files: ReportFiles = {};
  if (formats.includes("md")) {
    files.md = join(outDir, "report.md");
    await Deno.writeTextFile(
      files.md,
      markdownReport(run, tables, diagnostics, outDir, sheet),
    );
  }
  if (formats.includes("tex")) {
    files.tex = join(outDir, "report.tex");
    await Deno.writeTextFile(
      files.tex,
      latexDocument(tables, `ganbench report: ${title}`),
    );
  }
  if (formats.includes("html")) {
    files.html = join(outDir, "report.html");
    await Deno.writeTextFile(files.html, await htmlReport(run, tables, sheet));
  }
  return files;
}
