/**
 * `ganbench compare <baseline-dir> <candidate-dir>`: compares two results
 * directories cell group by cell group over seeds, prints a Markdown table
 * fit for a pull-request comment and writes `compare.json`.
 *
 * Exit codes: 0 when no threshold is breached by a change significant after
 * the multiple-testing correction (`--correction`, default Holm–Bonferroni),
 * 1 when one is, or an untested breach with n = 1 under `--n1 fail`, or a
 * cell group diverged on more seeds; 2 on bad input (a
 * missing directory; different data sets, evaluators or protocols; a `nan`,
 * `inf` or non-numeric metric, a cut-off or lost row, a cell group of the
 * baseline missing from the candidate).
 *
 * @example
 * ```sh
 * deno run -A src/cli/main.ts compare results/baseline results/pr --fail-on fid:+5%,kid_mean:+2sd --correction bh
 * ```
 *
 * @module
 */
import type { Command } from "./_command.ts";
import { formatHelp, parseFlags, UsageError } from "./_args.ts";
import type { FlagSpecs } from "./_args.ts";
import { COMPARE_METRICS, compareMetrics } from "../report/compare.ts";
import { gateSummary } from "../report/compare_render.ts";
import { ReportInputError } from "../report/errors.ts";
import { CORRECTIONS } from "../report/multiple_testing.ts";
import {
  DEFAULT_THRESHOLDS,
  formatThreshold,
  mergeThresholds,
  parseThresholdList,
  readThresholdsFile,
} from "../report/thresholds.ts";
import type { Threshold } from "../report/thresholds.ts";
import { writeComparison } from "../report/write_compare.ts";
import { errorText } from "../util/errors.ts";

const FLAGS = {
  "fail-on": {
    type: "string",
    valueName: "LIST",
    description:
      "thresholds, e.g. fid:+5%,kid_mean:+2sd,eq_gap:+0.1 (% of the baseline mean; sd: multiples of the baseline's seed-to-seed std; else absolute; <metric>:off removes one); replace the defaults per metric",
  },
  thresholds: {
    type: "string",
    valueName: "FILE",
    description:
      'JSON thresholds file, e.g. {"fid": "+5%", "kid_mean": "off"} (applied before --fail-on)',
  },
  "no-default-thresholds": {
    type: "boolean",
    description: `start from no thresholds instead of the defaults (${
      DEFAULT_THRESHOLDS.map((t) => `${t.metric}:${formatThreshold(t)}`).join(
        ",",
      )
    })`,
  },
  alpha: {
    type: "number",
    valueName: "P",
    description: "significance level of the adjusted p-values",
    default: 0.05,
  },
  correction: {
    type: "choice",
    choices: CORRECTIONS,
    description:
      "multiple-testing correction over all gate tests of the comparison: Holm–Bonferroni (family-wise error), Benjamini–Hochberg (false discovery rate) or none",
    default: "holm",
  },
  n1: {
    type: "choice",
    choices: ["fail", "warn"],
    description:
      "a breached threshold with n = 1 on a side (no test possible) fails, or only warns",
    default: "fail",
  },
  metrics: {
    type: "list",
    valueName: "LIST",
    description: `metrics to compare (thresholded metrics are always added)`,
    default: COMPARE_METRICS.map((m) => m.name),
  },
  out: {
    type: "string",
    valueName: "FILE",
    description:
      "where to write the JSON result (default <candidate-dir>/compare.json)",
  },
  markdown: {
    type: "string",
    valueName: "FILE",
    description:
      "also write the Markdown table to FILE (e.g. for a PR comment)",
  },
  "changes-only": {
    type: "boolean",
    description:
      "list only metrics with a significant change or a breach in the Markdown (compare.json keeps all)",
  },
  quiet: {
    type: "boolean",
    description: "do not print the Markdown table",
  },
} as const satisfies FlagSpecs;

const SUMMARY =
  "Compares a candidate results directory with a baseline: cells are matched by (data set, variant, loss) and aggregated over seeds (each cell's final row, summary.csv). For every metric it reports the change, the relative change and Welch's two-sided t-test across seeds (n >= 2 on both sides; uncorrected, descriptive). The gate: a thresholded metric is tested with Welch's t-test one-sided in the threshold's worse direction; the p-values of all such tests are adjusted together (--correction holm|bh|none), and a threshold breach fails when its adjusted p < --alpha. With n = 1 on a side there is no test: a breach fails unless --n1 warn; an sd threshold with one baseline seed cannot apply. Exit 1 on a failing breach or when a cell group diverged on more seeds; exit 2 when the runs are not comparable (different data sets, evaluators or protocols: steps, batch size, n_eval, …) or the input is damaged (a nan, inf or non-numeric metric, a cut-off or lost row, a cell group of the baseline missing from the candidate).";

/**
 * The thresholds of the flags: the defaults (unless `noDefaults`), then the
 * `--thresholds` file, then `--fail-on`, later ones replacing earlier ones.
 */
async function thresholdsOf(
  file: string | undefined,
  failOn: string | undefined,
  noDefaults: boolean,
): Promise<Threshold[]> {
  let fromFile: Threshold[] = [];
  if (file !== undefined) {
    try {
      fromFile = await readThresholdsFile(file);
    } catch (e) {
      throw new UsageError(`--thresholds: ${errorText(e)}`);
    }
  }
  let fromFlag: Threshold[] = [];
  if (failOn !== undefined) {
    try {
      fromFlag = parseThresholdList(failOn);
    } catch (e) {
      throw new UsageError(`--fail-on: ${errorText(e)}`);
    }
  }
  return mergeThresholds(
    noDefaults ? [] : DEFAULT_THRESHOLDS,
    fromFile,
    fromFlag,
  );
}

/** The `compare` sub-command. */
export const compareCommand: Command = {
  name: "compare",
  summary: "compare a candidate results directory with a baseline (PR gate)",
  async run(args) {
    const { values, positionals } = parseFlags(args, FLAGS, {
      positionals: [2, 2],
    });
    if (values.help) {
      console.log(formatHelp(
        "ganbench compare <baseline-dir> <candidate-dir> [flags]",
        SUMMARY,
        FLAGS,
      ));
      return 0;
    }
    const alpha = values.alpha;
    if (!(alpha > 0 && alpha < 1)) {
      throw new UsageError(`--alpha: '${alpha}' is not in (0, 1)`);
    }
    const thresholds = await thresholdsOf(
      values.thresholds,
      values["fail-on"],
      Boolean(values["no-default-thresholds"]),
    );
    const [baseDir, candDir] = positionals;
    let output;
    try {
      output = await writeComparison(baseDir, candDir, {
        thresholds,
        alpha,
        correction: values.correction,
        n1: values.n1,
        metrics: compareMetrics(values.metrics),
        jsonPath: values.out,
        markdownPath: values.markdown,
        changesOnly: values["changes-only"],
      });
    } catch (e) {
      if (e instanceof ReportInputError) throw new UsageError(e.message);
      throw e;
    }
    const { result, markdown, jsonPath } = output;
    if (!values.quiet) console.log(markdown);
    console.error(
      `compare: ${result.status}${
        result.failures.length ? ` (${result.failures.length} failure(s))` : ""
      }; gate: ${gateSummary(result)}; wrote ${jsonPath}`,
    );
    return result.status === "fail" ? 1 : 0;
  },
};
