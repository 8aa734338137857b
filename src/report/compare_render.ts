/**
 * Renders a {@linkcode CompareResult}: Markdown fit for a pull-request
 * comment ({@linkcode compareMarkdown}) and the JSON document written to
 * `compare.json` ({@linkcode compareJson}). Both state the correction, the
 * number of tests in its family and alpha, and give the raw and adjusted
 * gate p-value of every tested metric.
 *
 * @example
 * ```ts
 * import { compareJson, compareMarkdown } from "./compare_render.ts";
 * import type { CompareResult } from "./compare_result.ts";
 * import assert from "node:assert/strict";
 * const side = { dir: "a", spec: "demo", backends: ["cpu"], devices: ["CPU"], git: null };
 * const result: CompareResult = {
 *   status: "pass", alpha: 0.05, correction: "holm", familySize: 0, untestedBreaches: 0,
 *   n1: "fail", thresholds: [],
 *   baseline: side, candidate: { ...side, dir: "b" }, protocol: [], groups: [],
 *   unmatched: { baselineOnly: [], candidateOnly: [] }, failures: [], notes: [],
 * };
 * assert.ok(compareMarkdown(result).startsWith("## ganbench compare: ✅ pass\n"));
 * assert.equal(JSON.parse(compareJson(result)).format, "ganbench-compare/2");
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
import { correctionName } from "./multiple_testing.ts";
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
  untestable: "threshold n/a (1 baseline seed)",
  missing: "no values",
};

/** The verdict; a breach with no test (n = 1) says it is untested. */
function verdictCell(m: MetricComparison): string {
  if (m.breached && !m.gate) {
    return m.verdict === "fail"
      ? "❌ **fail** (untested: n=1)"
      : "⚠️ past threshold, no test (n=1)";
  }
  return VERDICT_TEXT[m.verdict];
}

/** The threshold, with its limit in the metric's units for `sd`. */
function thresholdCell(m: MetricComparison): string {
  if (!m.threshold) return "";
  const t = formatThreshold(m.threshold);
  if (m.threshold.unit !== "sd" || m.limit === undefined) return t;
  return Number.isNaN(m.limit)
    ? `${t} (n/a)`
    : `${t} (${formatNumber(m.limit)})`;
}

/** The gate's raw → adjusted p (one-sided but for `±` thresholds). */
function gateCell(m: MetricComparison): string {
  if (m.gate) {
    return `${formatP(m.gate.p)} → ${formatP(m.gate.pAdjusted)}`;
  }
  return m.breached ? "untested (n=1)" : "";
}

/** Mean ± std (n) of one side. */
function statsCell(s: MetricStats): string {
  if (s.n === 0) return "—";
  const m = formatNumber(s.mean);
  return s.n >= 2 ? `${m} ± ${formatNumber(s.std)} (n=${s.n})` : `${m} (n=1)`;
}

/** The two-sided, uncorrected test. */
function testCell(test: TestResult): string {
  return test.kind === "welch"
    ? `Welch t: p=${formatP(test.p!)}`
    : "none (n=1)";
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
    "| cell | metric | baseline | candidate | Δ | Δ% | test (two-sided) | threshold | gate p → adjusted | verdict |",
    "|---|---|---|---|---:|---:|---|---|---|---|",
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
        } | ${testCell(m.test)} | ${thresholdCell(m)} | ${gateCell(m)} | ${
          verdictCell(m)
        } |`,
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

/**
 * The gate in one line: the correction, the number of tests in its family,
 * alpha and the breaches that could not be tested.
 *
 * @param result The comparison.
 * @returns E.g. `Holm–Bonferroni over 8 tests, α = 0.05`.
 * @example
 * ```ts
 * import { gateSummary } from "./compare_render.ts";
 * import type { CompareResult } from "./compare_result.ts";
 * import assert from "node:assert/strict";
 * const gate = { alpha: 0.05, correction: "bh", familySize: 8, untestedBreaches: 1, n1: "fail" };
 * assert.equal(
 *   gateSummary(gate as CompareResult),
 *   "Benjamini–Hochberg over 8 tests, α = 0.05; 1 breach untested (n = 1), which fails (--n1 fail)",
 * );
 * ```
 */
export function gateSummary(result: CompareResult): string {
  const n = result.familySize;
  const tests = `${n} test${n === 1 ? "" : "s"}`;
  const how = result.correction === "none"
    ? `no multiple-testing correction (${tests})`
    : `${correctionName(result.correction)} over ${tests}`;
  const u = result.untestedBreaches;
  const untested = u === 0
    ? ""
    : `; ${u} breach${u === 1 ? "" : "es"} untested (n = 1), which ${
      result.n1 === "fail" ? "fail" : "only warn"
    }${u === 1 ? "s" : ""} (--n1 ${result.n1})`;
  return `${how}, α = ${result.alpha}${untested}`;
}

/** The status heading, provenance, gate and protocol lines. */
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
    `**Gate:** ${markdownText(gateSummary(result))}.`,
    "",
  ];
  for (const p of result.protocol) {
    const v = p.values;
    const parts = [
      v.steps !== undefined ? `${v.steps} ${v.budget ?? "steps"}` : "",
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
    !["same", "untested", "untestable", "missing"].includes(m.verdict) ||
    m.breached;
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
  const n1 = result.n1 === "fail" ? "fails" : "only warns";
  const family = result.correction === "none"
    ? `with no multiple-testing correction (--correction none)`
    : `after ${
      correctionName(result.correction)
    } adjustment over the family of all ${result.familySize} such tests (--correction ${result.correction})`;
  return `<sub>Δ = candidate − baseline (means over seeds, ± sample std). A threshold is breached when Δ goes past it in its worse direction (\`sd\`: a multiple of the baseline's seed-to-seed std; \`%\`: of the baseline mean). Gate: every thresholded metric with n ≥ 2 seeds on both sides is tested with Welch's t-test, one-sided in the threshold's worse direction (two-sided for ±); a breach fails when its p-value, ${family}, is below α = ${result.alpha}. With n = 1 on a side there is no test: a breach is untested and ${n1} (--n1 ${result.n1}); an sd threshold with one baseline seed cannot apply. The "test" column (Welch's two-sided p, uncorrected) only describes each metric as better, worse or unchanged. Thresholds: ${
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
 *   status: "fail", alpha: 0.05, correction: "holm", familySize: 0, untestedBreaches: 0,
 *   n1: "fail", thresholds: [],
 *   baseline: side, candidate: { ...side, dir: "b" }, protocol: [], groups: [],
 *   unmatched: { baselineOnly: [], candidateOnly: [] },
 *   failures: ["m/mlp/ns: diverged on 1/3 seeds (baseline 0/3)"], notes: [],
 * });
 * assert.match(md, /^## ganbench compare: ❌ FAIL \(1 failure\)/);
 * assert.match(md, /\n- m\/mlp\/ns: diverged on 1\/3 seeds/);
 * assert.match(md, /\*\*Gate:\*\* Holm–Bonferroni over 0 tests, α = 0\.05\./);
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
 *   status: "pass", alpha: 0.05, correction: "holm", familySize: 0, untestedBreaches: 0,
 *   n1: "fail", thresholds: [],
 *   baseline: side, candidate: side, protocol: [], groups: [],
 *   unmatched: { baselineOnly: [], candidateOnly: [] }, failures: [], notes: [],
 * }));
 * assert.equal(json.format, "ganbench-compare/2");
 * assert.equal(json.correction, "holm");
 * assert.equal(json.status, "pass");
 * ```
 */
export function compareJson(result: CompareResult): string {
  return `${
    JSON.stringify(
      { format: "ganbench-compare/2", ...result },
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
