/**
 * `ganbench compare <baseline-dir> <candidate-dir>`: compares two results
 * directories cell group by cell group over seeds, prints a Markdown table
 * fit for a pull-request comment and writes `compare.json`.
 *
 * Exit codes: 0 when no threshold is breached by a significant change, 1
 * when one is (or a cell group diverged on more seeds), 2 on bad input (a
 * missing directory; different data sets, evaluators or protocols).
 *
 * @example
 * ```sh
 * deno run -A src/cli/main.ts compare results/baseline results/pr --fail-on fid:+5%,is_mean:-3%
 * ```
 *
 * @module
 */
import { join } from "node:path";
import type { Command } from "./_command.ts";
import { formatHelp, parseFlags, UsageError } from "./_args.ts";
import type { FlagSpecs } from "./_args.ts";
import { loadRun } from "../report/aggregate.ts";
import type { RunData } from "../report/aggregate.ts";
import {
  COMPARE_METRICS,
  CompareInputError,
  compareJson,
  compareMarkdown,
  compareRuns,
  DEFAULT_THRESHOLDS,
  formatThreshold,
  mergeThresholds,
  parseThresholdList,
  readThresholdsFile,
} from "../report/compare.ts";
import type { CompareMetric, Threshold } from "../report/compare.ts";

const FLAGS: FlagSpecs = {
  "fail-on": {
    type: "string",
    valueName: "LIST",
    description:
      "thresholds, e.g. fid:+5%,is_mean:-3%,eq_gap:+0.1 (relative with %, else absolute; <metric>:off removes one); replace the defaults per metric",
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
    description: "significance level of the tests",
    default: 0.05,
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
  resamples: {
    type: "integer",
    min: 100,
    description: "bootstrap resamples (used when the smaller side has n = 2)",
    default: 10_000,
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
};

const SUMMARY =
  "Compares a candidate results directory with a baseline: cells are matched by (data set, variant, loss) and aggregated over seeds (each cell's final row, summary.csv). For every metric it reports the change, the relative change and a significance test across seeds: Welch's t-test when both sides have n >= 3, a percentile-bootstrap interval when the smaller side has n = 2, no test with n = 1 (a breach then fails unless --n1 warn). Exit 1 when a threshold is breached by a significant change or a cell group diverged on more seeds; exit 2 when the runs are not comparable (different data sets, evaluators or protocols: steps, batch size, n_eval, …).";

async function load(dir: string): Promise<RunData> {
  try {
    return await loadRun(dir);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
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
    const alpha = values.alpha as number;
    if (!(alpha > 0 && alpha < 1)) {
      throw new UsageError(`--alpha: '${alpha}' is not in (0, 1)`);
    }
    let fromFile: Threshold[] = [];
    if (values.thresholds !== undefined) {
      try {
        fromFile = await readThresholdsFile(values.thresholds as string);
      } catch (e) {
        throw new UsageError(`--thresholds: ${(e as Error).message}`);
      }
    }
    let fromFlag: Threshold[] = [];
    if (values["fail-on"] !== undefined) {
      try {
        fromFlag = parseThresholdList(values["fail-on"] as string);
      } catch (e) {
        throw new UsageError(`--fail-on: ${(e as Error).message}`);
      }
    }
    const thresholds = mergeThresholds(
      values["no-default-thresholds"] ? [] : DEFAULT_THRESHOLDS,
      fromFile,
      fromFlag,
    );
    const metrics: CompareMetric[] = (values.metrics as string[]).map((
      name,
    ) => ({
      name,
      direction: COMPARE_METRICS.find((m) => m.name === name)?.direction ??
        "none",
    }));
    const [baseDir, candDir] = positionals;
    const base = await load(baseDir);
    const cand = await load(candDir);
    let result;
    try {
      result = compareRuns(base, cand, {
        thresholds,
        alpha,
        n1: values.n1 as "fail" | "warn",
        metrics,
        resamples: values.resamples as number,
      });
    } catch (e) {
      if (e instanceof CompareInputError) throw new UsageError(e.message);
      throw e;
    }
    const markdown = compareMarkdown(result, {
      changesOnly: values["changes-only"] as boolean | undefined,
    });
    const out = (values.out as string | undefined) ??
      join(candDir, "compare.json");
    await Deno.writeTextFile(out, compareJson(result));
    if (values.markdown !== undefined) {
      await Deno.writeTextFile(values.markdown as string, markdown);
    }
    if (!values.quiet) console.log(markdown);
    console.error(
      `compare: ${result.status}${
        result.failures.length ? ` (${result.failures.length} failure(s))` : ""
      }; wrote ${out}`,
    );
    return result.status === "fail" ? 1 : 0;
  },
};
