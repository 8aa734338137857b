/**
 * Compares two results directories — a baseline and a candidate — cell
 * group by cell group (data set, variant, loss), aggregated over seeds.
 *
 * For each metric it reports the difference of the means (candidate −
 * baseline), the relative difference and a significance test across seeds:
 *
 * - **Welch's t-test** (two-sided) when both sides have n ≥ 3;
 * - a **percentile-bootstrap** interval of the difference of means (10,000
 *   seeded resamples) when the smaller side has n = 2 — significant when
 *   the interval excludes 0;
 * - **no test** when either side has n = 1.
 *
 * A threshold (e.g. `fid:+5%`) is *breached* when the change goes past it
 * in its direction. A breach fails the comparison when the change is
 * significant at `alpha`; with no test possible (n = 1) the breach fails
 * too under the default policy `n1: "fail"` (`"warn"` only reports it), so
 * single-seed CI runs still gate. A breach that is not significant is
 * reported as noise and passes. A group whose candidate diverged on a
 * larger share of seeds than the baseline fails as well.
 *
 * Inputs made under different conditions are refused with
 * {@linkcode CompareInputError}: different data sets (ids or data
 * checksums), evaluators (id or weight MD5: FIDs from different evaluators
 * are never compared) or protocols (steps, batch size, n_eval and the other
 * evaluation sizes).
 *
 * @module
 */
import type { CellGroup, MetricStats, RunData } from "./aggregate.ts";
import { groupCells, metricStats } from "./aggregate.ts";
import { bootstrapMeanDiff, welchTTest } from "./stats.ts";
import type { CellConfig } from "../spec/types.ts";

/** Which way a metric improves. `none`: informational. */
export type Direction = "lower" | "higher" | "none";

/** A metric `compare` reports. */
export interface CompareMetric {
  /** The summary.csv column. */
  name: string;
  /** Which way it improves. */
  direction: Direction;
}

/** The metrics compared by default, directed ones first. */
export const COMPARE_METRICS: readonly CompareMetric[] = [
  { name: "fid", direction: "lower" },
  { name: "kid_mean", direction: "lower" },
  { name: "is_mean", direction: "higher" },
  { name: "eq_gap", direction: "lower" },
  { name: "train_images_per_s", direction: "higher" },
  { name: "d_auc", direction: "none" },
  { name: "psnr_nn", direction: "none" },
  { name: "ssim_nn", direction: "none" },
  { name: "ssim_div", direction: "none" },
];

/** A limit on the change of one metric. */
export interface Threshold {
  /** The summary.csv column. */
  metric: string;
  /** `+`: fails when the metric rises past it; `-`: falls; `±`: either. */
  sign: "+" | "-" | "±";
  /** The limit (≥ 0): a fraction of the baseline mean when `relative`, else absolute. */
  value: number;
  /** Whether `value` is relative to the baseline mean. */
  relative: boolean;
  /** The text it was parsed from, e.g. `fid:+5%`. */
  text: string;
}

/**
 * The default thresholds: fid +5%, kid_mean +10%, is_mean −3%, eq_gap +0.1
 * (absolute).
 */
export const DEFAULT_THRESHOLDS: readonly Threshold[] = [
  "fid:+5%",
  "kid_mean:+10%",
  "is_mean:-3%",
  "eq_gap:+0.1",
].map((t) => parseThreshold(t));

/** Refusal to compare (bad input): the CLI maps it to exit code 2. */
export class CompareInputError extends Error {
  /**
   * @param message One line naming the directory and the mismatch.
   */
  constructor(message: string) {
    super(message);
    this.name = "CompareInputError";
  }
}

/**
 * Parses one threshold: `<metric>:<sign><value>[%]`, e.g. `fid:+5%`,
 * `is_mean:-3%`, `eq_gap:+0.1`, `fid:2` (no sign: the metric's worse
 * direction, or either direction for an informational metric), or
 * `<metric>:off` (no threshold; `value` is then NaN).
 *
 * @param text The threshold text.
 * @returns The threshold.
 * @throws Error One line naming the text when it is malformed.
 * @example
 * ```ts
 * import { parseThreshold } from "./compare.ts";
 * parseThreshold("fid:+5%"); // { metric: "fid", sign: "+", value: 0.05, relative: true, text: "fid:+5%" }
 * ```
 */
export function parseThreshold(text: string): Threshold {
  const m =
    /^\s*([a-z][a-z0-9_]*)\s*:\s*(?:(off)|([+-]|±)?\s*(\d+(?:\.\d*)?|\.\d+)(?:e([+-]?\d+))?\s*(%)?)\s*$/i
      .exec(text);
  if (!m) {
    throw new Error(
      `threshold '${text}': expected <metric>:<+|-><number>[%] (e.g. fid:+5%, eq_gap:+0.1) or <metric>:off`,
    );
  }
  const metric = m[1];
  if (m[2]) {
    return {
      metric,
      sign: "±",
      value: NaN,
      relative: false,
      text: text.trim(),
    };
  }
  const direction = COMPARE_METRICS.find((c) => c.name === metric)?.direction;
  const sign = (m[3] as "+" | "-" | "±" | undefined) ??
    (direction === "lower" ? "+" : direction === "higher" ? "-" : "±");
  let value = Number(m[4]) * (m[5] ? 10 ** Number(m[5]) : 1);
  const relative = m[6] === "%";
  if (relative) value /= 100;
  return { metric, sign, value, relative, text: text.trim() };
}

/**
 * Parses a comma-separated list of thresholds (see
 * {@linkcode parseThreshold}).
 *
 * @param text E.g. `fid:+5%,is_mean:-3%`.
 * @returns The thresholds, in order.
 * @throws Error One line on the first malformed item.
 * @example
 * ```ts
 * import { parseThresholdList } from "./compare.ts";
 * parseThresholdList("fid:+5%,eq_gap:+0.1").length; // 2
 * ```
 */
export function parseThresholdList(text: string): Threshold[] {
  const items = text.split(",").map((s) => s.trim()).filter((s) => s);
  if (items.length === 0) throw new Error("threshold list: empty");
  return items.map(parseThreshold);
}

/**
 * Reads a thresholds file: a JSON object from metric to threshold text,
 * e.g. `{"fid": "+5%", "eq_gap": "+0.1", "kid_mean": "off"}`.
 *
 * @param path The JSON file.
 * @returns The thresholds.
 * @throws Error One line naming the file when it is missing or malformed.
 * @example
 * ```ts
 * import { readThresholdsFile } from "./compare.ts";
 * const t = await readThresholdsFile("benchmarks/thresholds.json");
 * ```
 */
export async function readThresholdsFile(path: string): Promise<Threshold[]> {
  let json: unknown;
  try {
    json = JSON.parse(await Deno.readTextFile(path));
  } catch (e) {
    throw new Error(
      `${path}: cannot read thresholds (${
        e instanceof Error ? e.message.split("\n")[0] : String(e)
      })`,
    );
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new Error(
      `${path}: expected a JSON object like {"fid": "+5%", "eq_gap": "+0.1"}`,
    );
  }
  return Object.entries(json as Record<string, unknown>).map(([k, v]) => {
    if (typeof v !== "string" && typeof v !== "number") {
      throw new Error(
        `${path}: ${k}: expected a string like "+5%" or "off", got ${
          JSON.stringify(v)
        }`,
      );
    }
    try {
      return parseThreshold(`${k}:${v}`);
    } catch (e) {
      throw new Error(`${path}: ${(e as Error).message}`);
    }
  });
}

/**
 * Merges threshold lists: later lists replace earlier thresholds of the
 * same metric; `off` removes one.
 *
 * @param lists Threshold lists, lowest precedence first.
 * @returns One threshold per metric.
 * @example
 * ```ts
 * import { DEFAULT_THRESHOLDS, mergeThresholds, parseThresholdList } from "./compare.ts";
 * mergeThresholds(DEFAULT_THRESHOLDS, parseThresholdList("fid:off")).some((t) => t.metric === "fid"); // false
 * ```
 */
export function mergeThresholds(
  ...lists: readonly (readonly Threshold[])[]
): Threshold[] {
  const byMetric = new Map<string, Threshold>();
  for (const list of lists) {
    for (const t of list) {
      if (Number.isNaN(t.value)) byMetric.delete(t.metric);
      else byMetric.set(t.metric, t);
    }
  }
  return [...byMetric.values()];
}

/**
 * Formats a threshold as `+5%` / `-0.1` / `±2`.
 *
 * @param t The threshold.
 * @returns Its limit, signed.
 * @example
 * ```ts
 * import { formatThreshold, parseThreshold } from "./compare.ts";
 * formatThreshold(parseThreshold("is_mean:-3%")); // "-3%"
 * ```
 */
export function formatThreshold(t: Threshold): string {
  const v = t.relative ? `${+(t.value * 100).toPrecision(6)}%` : `${t.value}`;
  return `${t.sign}${v}`;
}

/** How a change is tested. */
export type TestKind = "welch" | "bootstrap" | "none";

/** The significance test of one metric. */
export interface TestResult {
  /** Welch's t-test (n ≥ 3 both sides), bootstrap (smaller n = 2) or none (n = 1). */
  kind: TestKind;
  /** Two-sided p-value (Welch). */
  p?: number;
  /** t statistic (Welch). */
  t?: number;
  /** Degrees of freedom (Welch). */
  df?: number;
  /** 1 − alpha interval of the difference of means (Welch or bootstrap). */
  ci?: [number, number];
  /** Whether the difference is significant at alpha; null when no test. */
  significant: boolean | null;
}

/** What a metric's comparison concludes. */
export type Verdict =
  | "fail"
  | "better"
  | "worse"
  | "changed"
  | "same"
  | "noise"
  | "untested"
  | "missing";

/** One metric of one cell group. */
export interface MetricComparison {
  /** The column. */
  metric: string;
  /** Which way it improves. */
  direction: Direction;
  /** Baseline values over seeds. */
  baseline: MetricStats;
  /** Candidate values over seeds. */
  candidate: MetricStats;
  /** candidate mean − baseline mean. */
  delta: number;
  /** delta / |baseline mean| (±Infinity when the baseline mean is 0). */
  relDelta: number;
  /** The significance test. */
  test: TestResult;
  /** The threshold of this metric, if any. */
  threshold?: Threshold;
  /** Whether the change goes past the threshold. */
  breached: boolean;
  /** The conclusion (`fail` fails the comparison). */
  verdict: Verdict;
}

/** One (data set, variant, loss) present on both sides. */
export interface GroupComparison {
  /** `<dataset>/<variant>/<loss>`. */
  key: string;
  /** Data set id. */
  dataset: string;
  /** Variant id. */
  variant: string;
  /** Loss id. */
  loss: string;
  /** Seeds and divergences of the baseline. */
  baseline: { seeds: number[]; diverged: number };
  /** Seeds and divergences of the candidate. */
  candidate: { seeds: number[]; diverged: number };
  /** Whether the candidate diverged on a larger share of seeds (a failure). */
  divergenceFail: boolean;
  /** The metrics. */
  metrics: MetricComparison[];
}

/** Facts about one side, for the report. */
export interface SideInfo {
  /** The directory. */
  dir: string;
  /** The spec name. */
  spec: string;
  /** Backends in its rows. */
  backends: string[];
  /** Devices in its rows. */
  devices: string[];
  /** Git commit, when recorded. */
  git: string | null;
}

/** The evaluation protocol shared by both sides, per data set. */
export interface ProtocolInfo {
  /** Data set id. */
  dataset: string;
  /** Evaluator id. */
  evaluator: string;
  /** Evaluator weight MD5. */
  evaluatorMd5: string;
  /** The protocol values (steps, batch size, n_eval, …) when uniform over the data set's cells. */
  values: Record<string, number | string>;
}

/** The outcome of {@linkcode compareRuns}. */
export interface CompareResult {
  /** `fail` when a threshold was breached by a significant change (or a group diverged more often). */
  status: "pass" | "fail";
  /** Significance level. */
  alpha: number;
  /** Policy for breaches with n = 1 on a side (no test possible). */
  n1: "fail" | "warn";
  /** Bootstrap resamples used for n = 2. */
  resamples: number;
  /** The thresholds applied. */
  thresholds: Threshold[];
  /** The baseline. */
  baseline: SideInfo;
  /** The candidate. */
  candidate: SideInfo;
  /** The evaluation protocol of each data set. */
  protocol: ProtocolInfo[];
  /** Groups present on both sides. */
  groups: GroupComparison[];
  /** Groups present on one side only. */
  unmatched: { baselineOnly: string[]; candidateOnly: string[] };
  /** One line per failure. */
  failures: string[];
  /** Further remarks (e.g. different devices). */
  notes: string[];
}

/** Options of {@linkcode compareRuns}. */
export interface CompareOptions {
  /** Thresholds (default {@linkcode DEFAULT_THRESHOLDS}). */
  thresholds?: readonly Threshold[];
  /** Significance level (default 0.05). */
  alpha?: number;
  /** What a breach does when a side has n = 1 and no test is possible (default `fail`). */
  n1?: "fail" | "warn";
  /** Metrics to compare (default {@linkcode COMPARE_METRICS}; thresholded metrics are always added). */
  metrics?: readonly CompareMetric[];
  /** Bootstrap resamples (default 10,000). */
  resamples?: number;
  /** Bootstrap seed (default 0). */
  seed?: number;
}

/** Settings that define the measurement protocol: they must match. */
const PROTOCOL_CONFIG: readonly (keyof CellConfig)[] = [
  "steps",
  "batchSize",
  "nEval",
  "nEquilibrium",
  "nNeighbour",
  "nNeighbourPool",
  "nSsimPairs",
  "kidSubsets",
  "kidSubsetSize",
  "isSplits",
];

/** The protocol of one cell group (from the CSV and the spec). */
function groupProtocol(run: RunData, group: CellGroup): Record<string, string> {
  const out: Record<string, string> = {};
  for (const row of group.rows) {
    const config = run.configs.get(row.cell);
    const values: Record<string, string> = {
      evaluator: row.evaluator ?? "",
      evaluator_md5: row.evaluator_md5 ?? "",
      n_eval: row.n_eval ?? "",
    };
    if (config) {
      for (const k of PROTOCOL_CONFIG) values[k] = String(config[k] ?? "");
    }
    for (const [k, v] of Object.entries(values)) {
      if (v === "") continue;
      if (out[k] !== undefined && out[k] !== v) {
        throw new CompareInputError(
          `${run.dir}: cells of ${group.key} differ in ${k} (${
            out[k]
          } vs ${v})`,
        );
      }
      out[k] = v;
    }
  }
  return out;
}

function sideInfo(run: RunData): SideInfo {
  const uniq = (k: string) => [
    ...new Set(run.summary.map((r) => r[k]).filter((v) => v)),
  ];
  return {
    dir: run.dir,
    spec: run.manifest.spec.name,
    backends: uniq("backend"),
    devices: uniq("device"),
    git: typeof run.manifest.git === "string" ? run.manifest.git : null,
  };
}

function short(md5: string): string {
  return md5.length > 8 ? md5.slice(0, 8) : md5;
}

/** Checks data sets, data checksums, evaluators and protocols; throws on a mismatch. */
function checkComparable(
  base: RunData,
  cand: RunData,
  baseGroups: CellGroup[],
  candGroups: CellGroup[],
): ProtocolInfo[] {
  if (base.summary.length === 0) {
    throw new CompareInputError(`${base.dir}: summary.csv has no cells`);
  }
  if (cand.summary.length === 0) {
    throw new CompareInputError(`${cand.dir}: summary.csv has no cells`);
  }
  const datasets = (g: CellGroup[]) => [...new Set(g.map((x) => x.dataset))];
  const bd = datasets(baseGroups);
  const cd = datasets(candGroups);
  if (bd.slice().sort().join(",") !== cd.slice().sort().join(",")) {
    throw new CompareInputError(
      `${cand.dir}: different data sets from the baseline ${base.dir} (baseline: ${
        bd.join(", ")
      }; candidate: ${cd.join(", ")})`,
    );
  }
  // Same data set id, different files (e.g. another copy of MNIST).
  const bData = (base.manifest.data ?? {}) as Record<string, unknown>;
  const cData = (cand.manifest.data ?? {}) as Record<string, unknown>;
  for (const d of bd) {
    if (bData[d] === undefined || cData[d] === undefined) continue;
    const a = JSON.stringify(sortKeys(bData[d]));
    const b = JSON.stringify(sortKeys(cData[d]));
    if (a !== b) {
      throw new CompareInputError(
        `${cand.dir}: data set ${d} has different file checksums from the baseline ${base.dir} (manifest.json data.${d})`,
      );
    }
  }
  const protocol: ProtocolInfo[] = [];
  const byKey = new Map(candGroups.map((g) => [g.key, g]));
  for (const d of bd) {
    let shared: Record<string, string> | undefined;
    let uniform = true;
    for (const bg of baseGroups.filter((g) => g.dataset === d)) {
      const cg = byKey.get(bg.key);
      if (!cg) continue;
      const bp = groupProtocol(base, bg);
      const cp = groupProtocol(cand, cg);
      if (
        bp.evaluator !== cp.evaluator || bp.evaluator_md5 !== cp.evaluator_md5
      ) {
        throw new CompareInputError(
          `${cand.dir}: evaluator of ${d} differs from the baseline ${base.dir} (baseline ${bp.evaluator} md5 ${
            short(bp.evaluator_md5 ?? "?")
          }; candidate ${cp.evaluator} md5 ${
            short(cp.evaluator_md5 ?? "?")
          }): FIDs from different evaluators are never compared`,
        );
      }
      const diffs = Object.keys({ ...bp, ...cp })
        .filter((k) => k !== "evaluator" && k !== "evaluator_md5")
        .filter((k) =>
          bp[k] !== undefined && cp[k] !== undefined && bp[k] !== cp[k]
        )
        .map((k) => `${k} ${bp[k]} vs ${cp[k]}`);
      if (diffs.length > 0) {
        throw new CompareInputError(
          `${cand.dir}: protocol of ${bg.key} differs from the baseline ${base.dir} (baseline vs candidate: ${
            diffs.join(", ")
          })`,
        );
      }
      if (shared === undefined) shared = bp;
      else if (JSON.stringify(shared) !== JSON.stringify(bp)) uniform = false;
    }
    if (shared) {
      const { evaluator, evaluator_md5, ...rest } = shared;
      protocol.push({
        dataset: d,
        evaluator,
        evaluatorMd5: evaluator_md5,
        values: uniform
          ? Object.fromEntries(
            Object.entries(rest).map(([k, v]) => [k, Number(v)]),
          )
          : {},
      });
    }
  }
  return protocol;
}

function sortKeys(value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return value;
  }
  return Object.fromEntries(
    Object.keys(value).sort().map((k) => [
      k,
      sortKeys((value as Record<string, unknown>)[k]),
    ]),
  );
}

/**
 * Whether a change goes past a threshold.
 *
 * @param t The threshold.
 * @param baselineMean The baseline mean (for relative thresholds).
 * @param delta candidate − baseline.
 * @returns True when breached (strictly past the limit).
 * @example
 * ```ts
 * import { isBreached, parseThreshold } from "./compare.ts";
 * isBreached(parseThreshold("fid:+5%"), 100, 6); // true
 * isBreached(parseThreshold("fid:+5%"), 100, -20); // false: an improvement
 * ```
 */
export function isBreached(
  t: Threshold,
  baselineMean: number,
  delta: number,
): boolean {
  if (!Number.isFinite(delta)) return false;
  const change = t.relative
    ? (baselineMean === 0
      ? (delta === 0 ? 0 : Math.sign(delta) * Infinity)
      : delta / Math.abs(baselineMean))
    : delta;
  if (t.sign === "+") return change > t.value;
  if (t.sign === "-") return change < -t.value;
  return Math.abs(change) > t.value;
}

/**
 * Tests the difference of two samples with the rule of this module:
 * Welch when both n ≥ 3, bootstrap when the smaller n is 2, none for n = 1.
 *
 * @param a Baseline values.
 * @param b Candidate values.
 * @param alpha Significance level.
 * @param resamples Bootstrap resamples.
 * @param seed Bootstrap seed.
 * @returns The test result.
 * @example
 * ```ts
 * import { testDifference } from "./compare.ts";
 * testDifference([1, 2, 3], [7, 8, 9], 0.05, 10000, 0).kind; // "welch"
 * ```
 */
export function testDifference(
  a: readonly number[],
  b: readonly number[],
  alpha: number,
  resamples: number,
  seed: number,
): TestResult {
  const n = Math.min(a.length, b.length);
  if (n >= 3) {
    const w = welchTTest(a, b, alpha);
    return {
      kind: "welch",
      p: w.p,
      t: w.t,
      df: w.df,
      ci: w.ci,
      significant: w.p < alpha,
    };
  }
  if (n === 2) {
    const r = bootstrapMeanDiff(a, b, { alpha, resamples, seed });
    return {
      kind: "bootstrap",
      ci: r.ci,
      significant: r.ci[0] > 0 || r.ci[1] < 0,
    };
  }
  return { kind: "none", significant: null };
}

function verdictOf(
  direction: Direction,
  delta: number,
  test: TestResult,
  breached: boolean,
  n1: "fail" | "warn",
): Verdict {
  if (breached) {
    if (test.significant === true) return "fail";
    if (test.significant === null) return n1 === "fail" ? "fail" : "untested";
    return "noise";
  }
  if (test.significant === null) return "untested";
  if (!test.significant || delta === 0) return "same";
  if (direction === "none") return "changed";
  return (direction === "lower") === (delta < 0) ? "better" : "worse";
}

/**
 * Compares a candidate run with a baseline run.
 *
 * @param base The baseline (see {@linkcode loadRun}).
 * @param cand The candidate.
 * @param options Thresholds, alpha, n = 1 policy, metrics, bootstrap settings.
 * @returns The comparison; `status` is `fail` when a threshold was breached
 *   by a significant change.
 * @throws CompareInputError One line naming the directory and the mismatch
 *   when the runs are not comparable (or share no cell group).
 * @example
 * ```ts
 * import { loadRun } from "./aggregate.ts";
 * import { compareRuns } from "./compare.ts";
 * const result = compareRuns(await loadRun("results/baseline"), await loadRun("results/pr"));
 * result.status; // "pass" or "fail"
 * ```
 */
export function compareRuns(
  base: RunData,
  cand: RunData,
  options: CompareOptions = {},
): CompareResult {
  const alpha = options.alpha ?? 0.05;
  const n1 = options.n1 ?? "fail";
  const resamples = options.resamples ?? 10_000;
  const seed = options.seed ?? 0;
  const thresholds = [...(options.thresholds ?? DEFAULT_THRESHOLDS)];
  const metrics: CompareMetric[] = [...(options.metrics ?? COMPARE_METRICS)];
  for (const t of thresholds) {
    if (!metrics.some((m) => m.name === t.metric)) {
      metrics.push({
        name: t.metric,
        direction: COMPARE_METRICS.find((m) => m.name === t.metric)
          ?.direction ?? "none",
      });
    }
  }
  for (const m of metrics) {
    for (const run of [base, cand]) {
      if (!run.summaryColumns.includes(m.name)) {
        throw new CompareInputError(
          `${run.dir}: summary.csv has no column '${m.name}'`,
        );
      }
    }
  }
  const baseGroups = groupCells(base.summary);
  const candGroups = groupCells(cand.summary);
  const protocol = checkComparable(base, cand, baseGroups, candGroups);
  const candByKey = new Map(candGroups.map((g) => [g.key, g]));
  const baseKeys = new Set(baseGroups.map((g) => g.key));
  const unmatched = {
    baselineOnly: baseGroups.filter((g) => !candByKey.has(g.key)).map((g) =>
      g.key
    ),
    candidateOnly: candGroups.filter((g) => !baseKeys.has(g.key)).map((g) =>
      g.key
    ),
  };
  const groups: GroupComparison[] = [];
  const failures: string[] = [];
  for (const bg of baseGroups) {
    const cg = candByKey.get(bg.key);
    if (!cg) continue;
    const divergenceFail = cg.diverged / cg.rows.length >
      bg.diverged / bg.rows.length;
    if (divergenceFail) {
      failures.push(
        `${bg.key}: diverged on ${cg.diverged}/${cg.rows.length} seeds (baseline ${bg.diverged}/${bg.rows.length})`,
      );
    }
    const comparisons: MetricComparison[] = [];
    for (const m of metrics) {
      const b = metricStats(bg, m.name);
      const c = metricStats(cg, m.name);
      const threshold = thresholds.find((t) => t.metric === m.name);
      if (b.n === 0 || c.n === 0) {
        comparisons.push({
          metric: m.name,
          direction: m.direction,
          baseline: b,
          candidate: c,
          delta: NaN,
          relDelta: NaN,
          test: { kind: "none", significant: null },
          threshold,
          breached: false,
          verdict: "missing",
        });
        continue;
      }
      const delta = c.mean - b.mean;
      const relDelta = b.mean === 0
        ? (delta === 0 ? 0 : Math.sign(delta) * Infinity)
        : delta / Math.abs(b.mean);
      const test = testDifference(b.values, c.values, alpha, resamples, seed);
      const breached = threshold ? isBreached(threshold, b.mean, delta) : false;
      const verdict = verdictOf(m.direction, delta, test, breached, n1);
      if (verdict === "fail") {
        failures.push(
          `${bg.key} ${m.name}: ${formatSigned(delta)} (${
            formatPercent(relDelta)
          }) past ${formatThreshold(threshold!)}, ${describeTest(test)}`,
        );
      }
      comparisons.push({
        metric: m.name,
        direction: m.direction,
        baseline: b,
        candidate: c,
        delta,
        relDelta,
        test,
        threshold,
        breached,
        verdict,
      });
    }
    groups.push({
      key: bg.key,
      dataset: bg.dataset,
      variant: bg.variant,
      loss: bg.loss,
      baseline: { seeds: bg.seeds, diverged: bg.diverged },
      candidate: { seeds: cg.seeds, diverged: cg.diverged },
      divergenceFail,
      metrics: comparisons,
    });
  }
  if (groups.length === 0) {
    throw new CompareInputError(
      `${cand.dir}: no (data set, variant, loss) in common with the baseline ${base.dir}`,
    );
  }
  const baseline = sideInfo(base);
  const candidate = sideInfo(cand);
  const notes: string[] = [];
  if (
    baseline.devices.join() !== candidate.devices.join() ||
    baseline.backends.join() !== candidate.backends.join()
  ) {
    notes.push(
      `measured on different backends/devices (baseline: ${
        baseline.backends.join(", ")
      } on ${baseline.devices.join(", ")}; candidate: ${
        candidate.backends.join(", ")
      } on ${candidate.devices.join(", ")}): throughput is not comparable`,
    );
  }
  for (const [side, keys] of Object.entries(unmatched)) {
    if (keys.length > 0) {
      notes.push(
        `${keys.length} cell group(s) only in the ${
          side === "baselineOnly" ? "baseline" : "candidate"
        }, not compared: ${keys.join(", ")}`,
      );
    }
  }
  return {
    status: failures.length > 0 ? "fail" : "pass",
    alpha,
    n1,
    resamples,
    thresholds,
    baseline,
    candidate,
    protocol,
    groups,
    unmatched,
    failures,
    notes,
  };
}

/**
 * A number with a sign and about four significant digits.
 *
 * @param x The number.
 * @returns E.g. `+1.234`, `-0.05`, `0`.
 */
function formatSigned(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const s = formatNumber(x);
  return x > 0 ? `+${s}` : s;
}

/**
 * A number with about four significant digits, no exponent for usual
 * magnitudes.
 *
 * @param x The number.
 * @returns The text (`—` for NaN).
 * @example
 * ```ts
 * import { formatNumber } from "./compare.ts";
 * formatNumber(123.4567); // "123.5"
 * formatNumber(0.000123456); // "0.0001235"
 * ```
 */
export function formatNumber(x: number): string {
  if (Number.isNaN(x)) return "—";
  if (!Number.isFinite(x)) return x > 0 ? "∞" : "−∞";
  if (x === 0) return "0";
  const a = Math.abs(x);
  if (a >= 1e6 || a < 1e-4) return x.toExponential(3);
  const digits = Math.max(0, 3 - Math.floor(Math.log10(a)));
  return String(+x.toFixed(Math.min(digits, 8)));
}

function formatPercent(x: number): string {
  if (Number.isNaN(x)) return "—";
  if (!Number.isFinite(x)) return x > 0 ? "+∞%" : "−∞%";
  const s = (x * 100).toFixed(Math.abs(x) < 0.1 ? 2 : 1);
  return `${x > 0 ? "+" : ""}${s}%`;
}

function describeTest(test: TestResult): string {
  switch (test.kind) {
    case "welch":
      return `Welch t p=${formatP(test.p!)}`;
    case "bootstrap":
      return `bootstrap 95% CI [${formatSigned(test.ci![0])}, ${
        formatSigned(test.ci![1])
      }]`;
    default:
      return "n=1, no test";
  }
}

function formatP(p: number): string {
  if (p < 0.001) return p.toExponential(1);
  return p.toFixed(3);
}

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

function statsCell(s: MetricStats): string {
  if (s.n === 0) return "—";
  const m = formatNumber(s.mean);
  return s.n >= 2 ? `${m} ± ${formatNumber(s.std)} (n=${s.n})` : `${m} (n=1)`;
}

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

function arrow(d: Direction): string {
  return d === "lower" ? " ↓" : d === "higher" ? " ↑" : "";
}

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
        ? `${g.dataset} · ${g.variant} · ${g.loss}${
          g.divergenceFail ? " (❌ diverged more)" : ""
        }`
        : "";
      first = false;
      lines.push(
        `| ${label} | \`${m.metric}\`${arrow(m.direction)} | ${
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
 * import { loadRun } from "./aggregate.ts";
 * import { compareMarkdown, compareRuns } from "./compare.ts";
 * const md = compareMarkdown(compareRuns(await loadRun("a"), await loadRun("b")));
 * ```
 */
export function compareMarkdown(
  result: CompareResult,
  options: { changesOnly?: boolean } = {},
): string {
  const side = (s: SideInfo) =>
    `\`${s.dir}\` (spec \`${s.spec}\`, ${s.backends.join("/")} on ${
      s.devices.join(", ")
    }${s.git ? `, git \`${s.git.slice(0, 10)}\`` : ""})`;
  const fails = result.failures.length;
  const out: string[] = [
    `## ganbench compare: ${
      result.status === "fail"
        ? `❌ FAIL (${fails} failure${fails === 1 ? "" : "s"})`
        : "✅ pass"
    }`,
    "",
    `Baseline ${side(result.baseline)}  `,
    `Candidate ${side(result.candidate)}`,
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
      `- \`${p.dataset}\`: evaluator \`${p.evaluator}\` (md5 \`${
        short(p.evaluatorMd5 ?? "")
      }\`)${parts.length ? `, ${parts.join(", ")}` : ""}`,
    );
  }
  out.push("");
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
  if (fails > 0) {
    out.push("**Failures**", "", ...result.failures.map((f) => `- ${f}`), "");
  }
  if (result.notes.length > 0) {
    out.push(...result.notes.map((n) => `> Note: ${n}`), "");
  }
  const level = `${+((1 - result.alpha) * 100).toPrecision(4)}%`;
  out.push(
    `<sub>Δ = candidate − baseline (means over seeds, ± sample std). Significance at α = ${result.alpha}: Welch's two-sided t-test when both sides have n ≥ 3; a ${level} percentile-bootstrap interval of the difference of means (${result.resamples} resamples, significant when it excludes 0) when the smaller side has n = 2; no test with n = 1, where a breached threshold ${
      result.n1 === "fail" ? "fails" : "only warns"
    } (--n1 ${result.n1}). A breach fails only when significant. Thresholds: ${
      result.thresholds.map((t) => `${t.metric} ${formatThreshold(t)}`).join(
        ", ",
      ) || "none"
    }.</sub>`,
    "",
  );
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
 * import { loadRun } from "./aggregate.ts";
 * import { compareJson, compareRuns } from "./compare.ts";
 * JSON.parse(compareJson(compareRuns(await loadRun("a"), await loadRun("b")))).status;
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
