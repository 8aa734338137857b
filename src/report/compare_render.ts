/**
 * Renders a {@linkcode CompareResult}: Markdown fit for a pull-request
 * comment ({@linkcode compareMarkdown}) and the JSON document written to
 * `compare.json` ({@linkcode compareJson}).
 *
 * @example
 * ```ts
 * import { compareJson, compareMarkdown } from "./compare_render.ts";
 * import type { CompareResult } from "./compare_result.ts";
 * import assert from "node:assert/strict";
 * const side = { dir: "a", spec: "demo", backends: ["cpu"], devices: ["CPU"], git: null };
 * const result: CompareResult = {
 *   status: "pass", alpha: 0.05, n1: "fail", resamples: 10000, thresholds: [],
 *   baseline: side, candidate: { ...side, dir: "b" }, protocol: [], groups: [],
 *   unmatched: { baselineOnly: [], candidateOnly: [] }, failures: [], notes: [],
 * };
 * assert.ok(compareMarkdown(result).startsWith("## ganbench compare: ✅ pass\n"));
 * assert.equal(JSON.parse(compareJson(result)).format, "ganbench-compare/1");
 * ```
 *
 * @module
 */
import type { MetricStats } from "./aggregate.ts";
import type {
  CompareResult,
  Direction,
  MetricComparison,
  SideInfo,
  Verdict,
} from "./compare_result.ts";
import {
  formatNumber,
  formatP,
  formatPercent,
  formatSigned,
  shortHash,
} from "./compare_format.ts";
import type { TestResult } from "./significance.ts";
import { formatThreshold } from "./thresholds.ts";
import { markdownCode, markdownText } from "./markdown_escape.ts";

/** Options of {@linkcode compareMarkdown}. */
export interface CompareMarkdownOptions {
  /**
   * Leave out rows with no significant change and no breach (for large
   * matrices; the JSON keeps every row).
   */
  changesOnly?: boolean;
}

/** How each verdict reads in the table. */
const VERDICT_TEXT: Record<Verdict, string> = {
  fail: "❌ **fail**",
  better: "✅ better",
  worse: "⚠️ worse (within threshold)",
  changed: "changed",
  same: "no significant change",
  noise: "past threshold, not significant",
  untested: "no test (n=1)",
  missing: "no values",
};

/** Mean ± std (n) of one side. */
function statsCell(s: MetricStats): string {
  if (s.n === 0) return "—";
  const m = formatNumber(s.mean);
  return s.n >= 2 ? `${m} ± ${formatNumber(s.std)} (n=${s.n})` : `${m} (n=1)`;
}

/** The test, with its p-value or interval. */
function testCell(test: TestResult, alpha: number): string {
  const level = `${+((1 - alpha) * 100).toPrecision(4)}%`;
  switch (test.kind) {
    case "welch":
      return `Welch t: p=${formatP(test.p!)}`;
    case "bootstrap":
      return `bootstrap ${level} CI [${formatSigned(test.ci![0])}, ${
        formatSigned(test.ci![1])
      }]`;
    default:
      return "none (n=1)";
  }
}

/** The arrow after a metric name: which way it improves. */
function arrow(d: Direction): string {
  return d === "lower" ? " ↓" : d === "higher" ? " ↑" : "";
}

/** A table of the metrics `pick` selects, one row per group × metric. */
function metricTable(
  result: CompareResult,
  pick: (m: MetricComparison) => boolean,
): string[] {
  const lines = [
    "| cell | metric | baseline | candidate | Δ | Δ% | test | threshold | verdict |",
    "|---|---|---|---|---:|---:|---|---|---|",
  ];
  for (const g of result.groups) {
    let first = true;
    for (const m of g.metrics.filter(pick)) {
      const label = first
        ? `${markdownText(`${g.dataset} · ${g.variant} · ${g.loss}`)}${
          g.divergenceFail ? " (❌ diverged more)" : ""
        }`
        : "";
      first = false;
      lines.push(
        `| ${label} | ${markdownCode(m.metric)}${arrow(m.direction)} | ${
          statsCell(m.baseline)
        } | ${statsCell(m.candidate)} | ${formatSigned(m.delta)} | ${
          formatPercent(m.relDelta)
        } | ${testCell(m.test, result.alpha)} | ${
          m.threshold ? formatThreshold(m.threshold) : ""
        } | ${VERDICT_TEXT[m.verdict]} |`,
      );
    }
  }
  return lines;
}

/** A side in one line: directory, spec, backends, devices, git commit. */
function sideLine(s: SideInfo): string {
  return `${markdownCode(s.dir)} (spec ${markdownCode(s.spec)}, ${
    markdownText(s.backends.join("/"))
  } on ${markdownText(s.devices.join(", "))}${
    s.git ? `, git ${markdownCode(s.git.slice(0, 10))}` : ""
  })`;
}

/** The status heading, provenance and protocol lines. */
function headerLines(result: CompareResult): string[] {
  const fails = result.failures.length;
  const out: string[] = [
    `## ganbench compare: ${
      result.status === "fail"
        ? `❌ FAIL (${fails} failure${fails === 1 ? "" : "s"})`
        : "✅ pass"
    }`,
    "",
    `Baseline ${sideLine(result.baseline)}  `,
    `Candidate ${sideLine(result.candidate)}`,
    "",
  ];
  for (const p of result.protocol) {
    const v = p.values;
    const parts = [
      v.steps !== undefined ? `${v.steps} steps` : "",
      v.batchSize !== undefined ? `batch ${v.batchSize}` : "",
      v.n_eval !== undefined ? `n_eval ${v.n_eval}` : "",
    ].filter((s) => s);
    out.push(
      `- ${markdownCode(p.dataset)}: evaluator ${
        markdownCode(p.evaluator)
      } (md5 ${markdownCode(shortHash(p.evaluatorMd5 ?? ""))})${
        parts.length ? `, ${parts.join(", ")}` : ""
      }`,
    );
  }
  out.push("");
  return out;
}

/** The tables: directed or thresholded metrics, then informational ones. */
function tableLines(
  result: CompareResult,
  options: CompareMarkdownOptions,
): string[] {
  const out: string[] = [];
  const shown = (m: MetricComparison) =>
    !options.changesOnly ||
    !["same", "untested", "missing"].includes(m.verdict) || m.breached;
  const headline = (m: MetricComparison) =>
    shown(m) && (m.direction !== "none" || m.threshold !== undefined);
  const informational = (m: MetricComparison) =>
    shown(m) && m.direction === "none" && m.threshold === undefined;
  if (result.groups.some((g) => g.metrics.some(headline))) {
    out.push(...metricTable(result, headline), "");
  } else {
    out.push("No significant change in any metric.", "");
  }
  if (result.groups.some((g) => g.metrics.some(informational))) {
    out.push(
      "<details><summary>Informational metrics (no direction, no threshold)</summary>",
      "",
      ...metricTable(result, informational),
      "",
      "</details>",
      "",
    );
  }
  return out;
}

/** The significance rule and the thresholds, in small print. */
function ruleLine(result: CompareResult): string {
  const level = `${+((1 - result.alpha) * 100).toPrecision(4)}%`;
  return `<sub>Δ = candidate − baseline (means over seeds, ± sample std). Significance at α = ${result.alpha}: Welch's two-sided t-test when both sides have n ≥ 3; a ${level} percentile-bootstrap interval of the difference of means (${result.resamples} resamples, significant when it excludes 0) when the smaller side has n = 2; no test with n = 1, where a breached threshold ${
    result.n1 === "fail" ? "fails" : "only warns"
  } (--n1 ${result.n1}). A breach fails only when significant. Thresholds: ${
    result.thresholds.map((t) => `${t.metric} ${formatThreshold(t)}`).join(
      ", ",
    ) || "none"
  }.</sub>`;
}

/**
 * The comparison as Markdown, fit for a pull-request comment: a status
 * line, provenance, the table of directed (and thresholded) metrics, the
 * informational metrics in a collapsed block, the failures, the notes and
 * the significance rule.
 *
 * @param result The comparison.
 * @param options `changesOnly`: leave out rows with no significant change
 *   and no breach (for large matrices; the JSON keeps every row).
 * @returns Markdown text ending in a newline.
 * @example
 * ```ts
 * import { compareMarkdown } from "./compare_render.ts";
 * import type { CompareResult } from "./compare_result.ts";
 * import assert from "node:assert/strict";
 * const side = { dir: "a", spec: "demo", backends: ["cpu"], devices: ["CPU"], git: null };
 * const md = compareMarkdown({
 *   status: "fail", alpha: 0.05, n1: "fail", resamples: 10000, thresholds: [],
 *   baseline: side, candidate: { ...side, dir: "b" }, protocol: [], groups: [],
 *   unmatched: { baselineOnly: [], candidateOnly: [] },
 *   failures: ["m/mlp/ns: diverged on 1/3 seeds (baseline 0/3)"], notes: [],
 * });
 * assert.match(md, /^## ganbench compare: ❌ FAIL \(1 failure\)/);
 * assert.match(md, /\n- m\/mlp\/ns: diverged on 1\/3 seeds/);
 * ```
 */
export function compareMarkdown(
  result: CompareResult,
  options: CompareMarkdownOptions = {},
): string {
  const out = [...headerLines(result), ...tableLines(result, options)];
  if (result.failures.length > 0) {
    out.push(
      "**Failures**",
      "",
      ...result.failures.map((f) => `- ${markdownText(f)}`),
      "",
    );
  }
  if (result.notes.length > 0) {
    out.push(...result.notes.map((n) => `> Note: ${markdownText(n)}`), "");
  }
  out.push(ruleLine(result), "");
  return out.join("\n");
}

/**
 * The comparison as the JSON document written to `compare.json`
 * (non-finite numbers become strings: `"inf"`, `"-inf"`, `"nan"`).
 *
 * @param result The comparison.
 * @returns Pretty-printed JSON ending in a newline.
 * @example
 * ```ts
 * import { compareJson } from "./compare_render.ts";
 * import type { CompareResult } from "./compare_result.ts";
 * import assert from "node:assert/strict";
 * const side = { dir: "a", spec: "demo", backends: [], devices: [], git: null };
 * const json = JSON.parse(compareJson({
 *   status: "pass", alpha: 0.05, n1: "fail", resamples: 10000, thresholds: [],
 *   baseline: side, candidate: side, protocol: [], groups: [],
 *   unmatched: { baselineOnly: [], candidateOnly: [] }, failures: [], notes: [],
 * }));
 * assert.equal(json.format, "ganbench-compare/1");
 * assert.equal(json.status, "pass");
 * ```
 */
export function compareJson(result: CompareResult): string {
  return `${
    JSON.stringify(
      { format: "ganbench-compare/1", ...result },
      (_k, v) => {
        if (typeof v === "number" && !Number.isFinite(v)) {
          return Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
        }
        return v;
      },
      2,
    )
  }\n`;
}
