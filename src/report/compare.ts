/**
 * Compares two runs — a baseline and a candidate — cell group by cell
 * group (data set, variant, loss), aggregated over seeds.
 *
 * For each metric it reports the difference of the means (candidate −
 * baseline), the relative difference and Welch's two-sided t-test across
 * seeds when both sides have n ≥ 2 (see {@linkcode testDifference}; no test
 * when a side has n = 1). That uncorrected test only describes a metric as
 * better, worse or unchanged; it gates nothing.
 *
 * The gate: a threshold (e.g. `fid:+5%`, `kid_mean:+2sd`, see
 * `parseThreshold`) is *breached* when the change goes past it in its worse
 * direction. Every thresholded (group, metric) pair with n ≥ 2 on both
 * sides gets a gate p-value — Welch's t-test, one-sided in the threshold's
 * worse direction (two-sided for `±`) — and the p-values of all of them,
 * breached or not, form one family, adjusted by Holm–Bonferroni (default),
 * Benjamini–Hochberg or not at all (`correction`). A breach fails the
 * comparison when its adjusted p is below `alpha`, and is reported as
 * noise otherwise (see {@linkcode decideGate}). A breach with n = 1 on a side is
 * untested: it fails under the default `n1: "fail"` (so single-seed CI runs
 * still gate) and only warns under `"warn"`. An `sd` threshold with one
 * baseline seed cannot apply and gates nothing. A group whose candidate
 * diverged on a larger share of seeds than the baseline fails as well.
 *
 * Runs made under different conditions are refused with
 * {@linkcode CompareInputError} (see {@linkcode checkComparable}). Which way
 * a metric improves comes from the column schema (`betterOf`).
 *
 * @module
 */
import type { CellGroup, RunData } from "./aggregate.ts";
import { groupCells, groupKey, metricStats } from "./aggregate.ts";
import { checkComparable } from "./comparability.ts";
import { decideGate, gateNotes } from "./compare_gate.ts";
import { CompareInputError } from "./errors.ts";
import { checkMetricFields } from "./input_checks.ts";
import type { Correction } from "./multiple_testing.ts";
import { gateP, testDifference } from "./significance.ts";
import {
  DEFAULT_THRESHOLDS,
  isBreached,
  relativeChange,
  thresholdApplies,
  thresholdLimit,
} from "./thresholds.ts";
import type { Threshold } from "./thresholds.ts";
import { betterOf } from "../results/columns.ts";
import { summaryCsvPath } from "../results/layout.ts";
import type { SummaryColumnName } from "../results/columns.ts";
import type {
  CompareResult,
  Direction,
  GateTest,
  GroupComparison,
  MetricComparison,
  SideInfo,
  Verdict,
} from "./compare_result.ts";

export type {
  CompareResult,
  Correction,
  Direction,
  GateTest,
  GroupComparison,
  MetricComparison,
  SideInfo,
  Verdict,
};

/** A metric `compare` reports. */
export interface CompareMetric {
  /** The summary.csv column. */
  name: string;
  /** Which way it improves. */
  direction: Direction;
}

/** The summary.csv columns compared by default, directed ones first. */
const DEFAULT_METRIC_NAMES = [
  "fid",
  "kid_mean",
  "is_mean",
  "eq_gap",
  "train_images_per_s",
  "d_auc",
  "precision",
  "recall",
  "coverage",
  "classes_covered",
  "class_kl",
  "label_acc",
  "copy_rate",
  "copy_rate_feat",
  "psnr_nn",
  "ssim_nn",
  "ssim_div",
  // Paired translation cells (empty on zoo rows).
  "psnr",
  "ssim",
  "l1",
] as const satisfies readonly SummaryColumnName[];

/**
 * The metrics to compare, by name, each with its direction from the column
 * schema (`none` for a column the schema gives none).
 *
 * @param names summary.csv columns.
 * @returns The metrics, in order.
 * @example
 * ```ts
 * import { compareMetrics } from "./compare.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(compareMetrics(["fid", "is_mean", "d_auc"]), [
 *   { name: "fid", direction: "lower" },
 *   { name: "is_mean", direction: "higher" },
 *   { name: "d_auc", direction: "none" },
 * ]);
 * ```
 */
export function compareMetrics(names: readonly string[]): CompareMetric[] {
  return names.map((name) => ({ name, direction: betterOf(name) }));
}

/** The metrics compared by default, directed ones first. */
export const COMPARE_METRICS: readonly CompareMetric[] = compareMetrics(
  DEFAULT_METRIC_NAMES,
);

/** Options of {@linkcode compareRuns}. */
export interface CompareOptions {
  /** Thresholds (default {@linkcode DEFAULT_THRESHOLDS}). */
  thresholds?: readonly Threshold[];
  /** Significance level of the adjusted p-values (default 0.05). */
  alpha?: number;
  /** Multiple-testing correction over the family of gate tests (default `holm`). */
  correction?: Correction;
  /** What a breach does when a side has n = 1 and no test is possible (default `fail`). */
  n1?: "fail" | "warn";
  /** Metrics to compare (default {@linkcode COMPARE_METRICS}; thresholded metrics are always added). */
  metrics?: readonly CompareMetric[];
}

/** {@linkcode CompareOptions} with every default filled in. */
type Settings = Required<Omit<CompareOptions, "thresholds" | "metrics">> & {
  thresholds: Threshold[];
  metrics: CompareMetric[];
};

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

/** Fills in the defaults; thresholded metrics join the compared ones. */
function settingsOf(options: CompareOptions): Settings {
  const thresholds = [...(options.thresholds ?? DEFAULT_THRESHOLDS)];
  const metrics: CompareMetric[] = [...(options.metrics ?? COMPARE_METRICS)];
  for (const t of thresholds) {
    if (!metrics.some((m) => m.name === t.metric)) {
      metrics.push(...compareMetrics([t.metric]));
    }
  }
  return {
    alpha: options.alpha ?? 0.05,
    correction: options.correction ?? "holm",
    n1: options.n1 ?? "fail",
    thresholds,
    metrics,
  };
}

const ALTERNATIVE = {
  "+": "greater",
  "-": "less",
  "±": "two-sided",
} as const;

/**
 * One metric of a group: the change, the test, the breach and (for a
 * testable threshold) the gate's raw p; the verdict is set once the family
 * is adjusted.
 */
function compareMetric(
  bg: CellGroup,
  cg: CellGroup,
  m: CompareMetric,
  s: Settings,
): MetricComparison {
  const baseline = metricStats(bg, m.name);
  const candidate = metricStats(cg, m.name);
  const threshold = s.thresholds.find((t) => t.metric === m.name);
  const common = {
    metric: m.name,
    direction: m.direction,
    baseline,
    candidate,
    threshold,
    verdict: "missing" as Verdict,
  };
  if (baseline.n === 0 || candidate.n === 0) {
    const test = { kind: "none", significant: null } as const;
    return { ...common, delta: NaN, relDelta: NaN, test, breached: false };
  }
  const delta = candidate.mean - baseline.mean;
  const relDelta = relativeChange(baseline.mean, delta);
  const test = testDifference(baseline.values, candidate.values, s.alpha);
  if (!threshold) return { ...common, delta, relDelta, test, breached: false };
  const applies = thresholdApplies(threshold, baseline.n);
  const limit = applies ? thresholdLimit(threshold, baseline) : NaN;
  const breached = applies &&
    isBreached(threshold, baseline.mean, delta, baseline.std);
  const gate: GateTest | undefined = applies && test.kind === "welch"
    ? {
      alternative: ALTERNATIVE[threshold.sign],
      p: gateP(test, threshold.sign),
      pAdjusted: NaN,
      significant: false,
    }
    : undefined;
  return { ...common, delta, relDelta, test, limit, breached, gate };
}

/** One group present on both sides (verdicts not yet set). */
function compareGroup(
  bg: CellGroup,
  cg: CellGroup,
  s: Settings,
): GroupComparison {
  const divergenceFail = cg.diverged / cg.rows.length >
    bg.diverged / bg.rows.length;
  return {
    key: bg.key,
    dataset: bg.dataset,
    variant: bg.variant,
    loss: bg.loss,
    baseline: { seeds: bg.seeds, diverged: bg.diverged },
    candidate: { seeds: cg.seeds, diverged: cg.diverged },
    divergenceFail,
    metrics: s.metrics.map((m) => compareMetric(bg, cg, m, s)),
  };
}

/**
 * Remarks on different devices, on groups present on one side only and on
 * what the gate could not test.
 */
function notesOf(
  baseline: SideInfo,
  candidate: SideInfo,
  unmatched: CompareResult["unmatched"],
  groups: readonly GroupComparison[],
): string[] {
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
  return [...notes, ...gateNotes(groups)];
}

/**
 * Removes from `s.metrics` the default metrics (not thresholded) that a run
 * has no column for — columns added by a later version, or the translation
 * columns of a zoo run — and returns their names. Metrics asked for by name
 * or by a threshold stay, and {@linkcode checkColumns} refuses them.
 */
function dropAbsentDefaults(runs: readonly RunData[], s: Settings): string[] {
  const absent = s.metrics.filter((m) =>
    !s.thresholds.some((t) => t.metric === m.name) &&
    runs.some((run) => !run.summaryColumns.includes(m.name))
  ).map((m) => m.name);
  s.metrics = s.metrics.filter((m) => !absent.includes(m.name));
  return absent;
}

/** Throws unless both runs have a column for every compared metric. */
function checkColumns(runs: readonly RunData[], s: Settings): void {
  for (const m of s.metrics) {
    for (const run of runs) {
      if (!run.summaryColumns.includes(m.name)) {
        throw new CompareInputError(
          `${run.dir}: summary.csv has no column '${m.name}'`,
        );
      }
    }
  }
}

/**
 * Compares a candidate run with a baseline run. Pure: it reads no files
 * (only the {@linkcode RunData} given) and changes neither run, so a script
 * can load two runs once with `loadRun`, filter their `summary` rows (e.g.
 * by seed) in memory and call it many times.
 *
 * @param base The baseline (see `loadRun`).
 * @param cand The candidate.
 * @param options Thresholds, alpha, correction, n = 1 policy, metrics.
 * @returns The comparison; `status` is `fail` when a threshold was breached
 *   by a change significant after the correction (or untested under
 *   `n1: "fail"`), or a group diverged more often.
 * @throws CompareInputError One line naming the directory and the mismatch
 *   when the runs are not comparable (or share no cell group).
 * @example
 * ```ts
 * import { compareRuns } from "./compare.ts";
 * import { parseThreshold } from "./thresholds.ts";
 * import type { RunData } from "./aggregate.ts";
 * import type { MatrixSpec } from "../spec/types.ts";
 * import assert from "node:assert/strict";
 * // A run of one (data set, variant, loss) over seeds, in memory.
 * const run = (dir: string, fid: number[]): RunData => {
 *   const summary = fid.map((v, seed) => ({
 *     cell: `m-mlp-ns-s${seed}`, dataset: "m", variant: "mlp", loss: "ns",
 *     seed: `${seed}`, status: "finished", fid: `${v}`,
 *   }));
 *   const spec = { name: "demo" } as MatrixSpec;
 *   return { dir, manifest: { specHash: "", spec, cells: {} }, summary, summaryColumns: Object.keys(summary[0]), configs: new Map() };
 * };
 * const options = { metrics: [], thresholds: [parseThreshold("fid:+5%")] };
 * const result = compareRuns(run("a", [100, 101, 99]), run("b", [112, 113, 111]), options);
 * assert.equal(result.status, "fail");
 * assert.equal(result.groups[0].metrics[0].delta, 12);
 * assert.match(result.failures[0], /^m\/mlp\/ns fid: \+12 \(\+12\.0%\) past \+5%, Welch t p=.* \(one-sided\), Holm–Bonferroni-adjusted p=.* over 1 test$/);
 * assert.equal(result.familySize, 1);
 * assert.equal(compareRuns(run("a", [100, 101, 99]), run("c", [101, 99, 100]), options).status, "pass");
 * ```
 */
export function compareRuns(
  base: RunData,
  cand: RunData,
  options: CompareOptions = {},
): CompareResult {
  const s = settingsOf(options);
  const absent = options.metrics ? [] : dropAbsentDefaults([base, cand], s);
  checkColumns([base, cand], s);
  checkMetricFields(
    [base, cand].map((run) => ({
      path: summaryCsvPath(run.dir),
      rows: run.summary,
    })),
    s.metrics.map((m) => m.name),
    groupKey,
  );
  const baseGroups = groupCells(base.summary);
  const candGroups = groupCells(cand.summary);
  const protocol = checkComparable(base, cand, baseGroups, candGroups);
  const candByKey = new Map(candGroups.map((g) => [g.key, g]));
  // A configuration the candidate lost must not read as a pass.
  const lost = baseGroups.find((g) => !candByKey.has(g.key));
  if (lost && baseGroups.some((g) => candByKey.has(g.key))) {
    throw new CompareInputError(
      `${cand.dir}: cell group ${lost.key} of the baseline is missing from the candidate`,
    );
  }
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
  for (const bg of baseGroups) {
    const cg = candByKey.get(bg.key);
    if (cg) groups.push(compareGroup(bg, cg, s));
  }
  if (groups.length === 0) {
    throw new CompareInputError(
      `${cand.dir}: no (data set, variant, loss) in common with the baseline ${base.dir}`,
    );
  }
  const { failures, familySize, untestedBreaches } = decideGate(groups, s);
  const baseline = sideInfo(base);
  const candidate = sideInfo(cand);
  return {
    status: failures.length > 0 ? "fail" : "pass",
    alpha: s.alpha,
    correction: s.correction,
    familySize,
    untestedBreaches,
    n1: s.n1,
    thresholds: s.thresholds,
    baseline,
    candidate,
    protocol,
    groups,
    unmatched,
    failures,
    notes: [
      ...notesOf(baseline, candidate, unmatched, groups),
      ...(absent.length > 0
        ? [
          `not compared (no column on a side, e.g. a run from an earlier version): ${
            absent.join(", ")
          }`,
        ]
        : []),
    ],
  };
}
