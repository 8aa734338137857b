/**
 * `ganbench report <results-dir>`: writes `report.md`, `report.tex` and a
 * self-contained `report.html` for a results directory: one table per data
 * set (rows variant × loss, headline metrics as mean ± std over seeds, the
 * best per column marked), the training curves (Vega-Lite → SVG), the final
 * sample grid of every cell and the contact sheet.
 *
 * @example
 * ```sh
 * deno run -A src/cli/main.ts report results/smoke
 * ```
 *
 * @module
 */
import { join, relative } from "node:path";
import type { Command } from "./_command.ts";
import { formatHelp, parseFlags, UsageError } from "./_args.ts";
import type { FlagSpecs } from "./_args.ts";
import type { RunData } from "../report/aggregate.ts";
import { groupCells, loadMetricsRows, loadRun } from "../report/aggregate.ts";
import {
  buildTables,
  latexDocument,
  markdownTables,
  REPORT_COLUMNS,
} from "../report/tables.ts";
import type { DatasetTable } from "../report/tables.ts";
import { curveCharts } from "../report/charts.ts";
import { renderHtmlReport } from "../report/html_report.ts";
import type { EmbeddedPng, ReportSection } from "../report/html_report.ts";
import { finalGridPath } from "../results/contact_sheet.ts";
import { SUMMARY_COLUMNS } from "../results/columns.ts";

const FORMATS = ["md", "tex", "html"] as const;

/** A report output format. */
export type ReportFormat = typeof FORMATS[number];

const FLAGS: FlagSpecs = {
  out: {
    type: "string",
    valueName: "DIR",
    description:
      "where to write the report files (default: the results directory)",
  },
  formats: {
    type: "list",
    choices: FORMATS,
    description: "which files to write",
    default: [...FORMATS],
  },
};

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

function protocolLine(run: RunData, table: DatasetTable): string {
  const rows = run.summary.filter((r) => r.dataset === table.dataset);
  const uniq = (
    k: string,
  ) => [...new Set(rows.map((r) => r[k]).filter((v) => v))];
  const configs = rows.map((r) => run.configs.get(r.cell)).filter((c) => c);
  const cfg = (k: "steps" | "batchSize") => [
    ...new Set(configs.map((c) => String(c![k]))),
  ];
  return [
    `evaluator ${uniq("evaluator").join(", ")} (md5 ${
      uniq("evaluator_md5").map((m) => m.slice(0, 8)).join(", ")
    })`,
    `n_eval ${uniq("n_eval").join(", ")}`,
    configs.length ? `${cfg("steps").join(", ")} steps` : "",
    configs.length ? `batch ${cfg("batchSize").join(", ")}` : "",
    `${rows.length} cell(s)`,
    `${uniq("backend").join(", ")} on ${uniq("device").join(", ")}`,
  ].filter((s) => s).join(" · ");
}

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

/**
 * Writes the report files of a results directory.
 *
 * @param dir The results directory.
 * @param options Output directory and formats.
 * @returns The paths written.
 * @throws Error One line naming the directory when it is not a results
 *   directory.
 * @example
 * ```ts
 * import { writeReport } from "./report.ts";
 * const files = await writeReport("results/smoke");
 * files.html; // "results/smoke/report.html"
 * ```
 */
export async function writeReport(
  dir: string,
  options: ReportOptions = {},
): Promise<ReportFiles> {
  const run = await loadRun(dir);
  const outDir = options.outDir ?? dir;
  const formats = options.formats ?? FORMATS;
  await Deno.mkdir(outDir, { recursive: true });
  const groups = groupCells(run.summary);
  const tables = buildTables(groups);
  const title = run.manifest.spec.name;
  const files: ReportFiles = {};
  const sheetPath = join(dir, "grids", "contact_sheet.png");
  let sheet: Uint8Array | undefined;
  try {
    sheet = await Deno.readFile(sheetPath);
  } catch {
    sheet = undefined;
  }

  if (formats.includes("md")) {
    const lines = [
      `# ganbench report: ${title}`,
      "",
      ...provenance(run).map(([k, v]) => `- ${k}: \`${v}\``),
      "",
      "Mean ± sample std over seeds of each cell's final evaluation; best per column in **bold** (lowest FID, KID, eq_gap; highest IS, img/s; d_auc closest to 0.5; ssim_div closest to the real-pair value ssim_div_real).",
      "",
    ];
    for (const t of tables) {
      lines.push(
        markdownTables([t]).trimEnd(),
        "",
        `<sub>${protocolLine(run, t)}</sub>`,
        "",
      );
    }
    if (sheet) {
      lines.push(
        "## Contact sheet",
        "",
        `![contact sheet](${
          relative(outDir, sheetPath).split("\\").join("/")
        })`,
        "",
      );
    }
    files.md = join(outDir, "report.md");
    await Deno.writeTextFile(files.md, lines.join("\n"));
  }

  if (formats.includes("tex")) {
    files.tex = join(outDir, "report.tex");
    await Deno.writeTextFile(
      files.tex,
      latexDocument(tables, `ganbench report: ${title}`),
    );
  }

  if (formats.includes("html")) {
    const charts = await curveCharts(loadMetricsRows(dir));
    const sections: ReportSection[] = [];
    for (const t of tables) {
      const grids: EmbeddedPng[] = [];
      for (const row of run.summary.filter((r) => r.dataset === t.dataset)) {
        const path = await finalGridPath(dir, row.cell);
        if (!path) continue;
        const step = /(\d+)\.png$/.exec(path)?.[1] ?? "?";
        grids.push({
          caption: `${row.cell} · step ${step}${
            row.status === "diverged" ? " · diverged" : ""
          }`,
          png: await Deno.readFile(path),
        });
      }
      sections.push({
        dataset: t.dataset,
        protocol: protocolLine(run, t),
        table: t,
        charts: charts.filter((c) => c.dataset === t.dataset),
        grids,
      });
    }
    const shown = new Set([
      ...REPORT_COLUMNS.map((c) => c.metric),
      "ssim_div_real",
      "d_loss",
      "g_loss",
    ]);
    files.html = join(outDir, "report.html");
    await Deno.writeTextFile(
      files.html,
      renderHtmlReport({
        title,
        meta: provenance(run),
        sections,
        contactSheet: sheet
          ? {
            caption:
              "Final sample grid of the first seed of every (variant, loss): rows = variants, columns = losses.",
            png: sheet,
          }
          : undefined,
        definitions: SUMMARY_COLUMNS.filter((c) => shown.has(c.name)).map((
          c,
        ) => [c.name, c.unit, c.definition]),
      }),
    );
  }
  return files;
}

/** The `report` sub-command. */
export const reportCommand: Command = {
  name: "report",
  summary:
    "write report.md, report.tex and report.html for a results directory",
  async run(args) {
    const { values, positionals } = parseFlags(args, FLAGS, {
      positionals: [1, 1],
    });
    if (values.help) {
      console.log(formatHelp(
        "ganbench report <results-dir> [flags]",
        "Writes report.md (one table per data set: rows variant × loss, headline metrics as mean ± std over seeds, best per column in bold), report.tex (the same tables, booktabs) and report.html (self-contained: tables, training curves of fid, is_mean, eq_gap, d_loss and g_loss against steps, the final grid of every cell and the contact sheet).",
        FLAGS,
      ));
      return 0;
    }
    const [dir] = positionals;
    try {
      await loadRun(dir);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const files = await writeReport(dir, {
      outDir: values.out as string | undefined,
      formats: values.formats as ReportFormat[],
    });
    console.log(
      `report: wrote ${Object.values(files).join(", ")}`,
    );
    return 0;
  },
};
