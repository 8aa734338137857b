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
import type { Command } from "./_command.ts";
import { formatHelp, parseFlags, UsageError } from "./_args.ts";
import type { FlagSpecs } from "./_args.ts";
import { ReportInputError } from "../report/errors.ts";
import { REPORT_FORMATS, writeReport } from "../report/write_report.ts";

const FLAGS = {
  out: {
    type: "string",
    valueName: "DIR",
    description:
      "where to write the report files (default: the results directory)",
  },
  formats: {
    type: "list",
    choices: REPORT_FORMATS,
    description: "which files to write",
    default: [...REPORT_FORMATS],
  },
} as const satisfies FlagSpecs;

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
    let files;
    try {
      files = await writeReport(dir, {
        outDir: values.out,
        formats: values.formats,
      });
    } catch (e) {
      if (e instanceof ReportInputError) throw new UsageError(e.message);
      throw e;
    }
    console.log(
      `report: wrote ${Object.values(files).join(", ")}`,
    );
    return 0;
  },
};
