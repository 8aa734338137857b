/**
 * The outcome of `compareRuns`: per cell group and metric the statistics of
 * both sides, the change, its significance test, the threshold, the gate's
 * raw and adjusted p-value and the verdict; and the run as a whole (status,
 * the correction and its family, failures, notes, protocol). Rendered by
 * `compareMarkdown` and `compareJson`.
 *
 * @module
 */
import type { MetricStats } from "./aggregate.ts";
import type { ProtocolInfo } from "./comparability.ts";
import type { Correction } from "./multiple_testing.ts";
import type { TestResult } from "./significance.ts";
import type { Threshold } from "./thresholds.ts";
import type { Better } from "../results/columns.ts";

/** Which way a metric improves (the column schema's `better`). */
export type Direction = Better;

/**
 * What a metric's comparison concludes: `fail` (a breach significant after
 * correction, or untested under `n1: "fail"`), `noise` (a breach that is
 * not), `untested` (n = 1 on a side), `untestable` (an `sd` threshold with
 * one baseline seed: no limit, not gated), `missing` (no values); else, by
 * the uncorrected two-sided test, `better`, `worse`, `changed` or `same`.
 */
export type Verdict =
  | "fail"
  | "better"
  | "worse"
  | "changed"
  | "same"
  | "noise"
  | "untested"
  | "untestable"
  | "missing";

/** The gate's test of one thresholded metric: a member of the family. */
export interface GateTest {
  /**
   * The alternative hypothesis: the candidate is `greater` (a `+`
   * threshold) or `less` (`-`) than the baseline, or `two-sided` (`±`).
   */
  alternative: "greater" | "less" | "two-sided";
  /** The raw p-value of Welch's t-test with that alternative. */
  p: number;
  /** `p` adjusted over the family by the comparison's correction. */
  pAdjusted: number;
  /** Whether `pAdjusted` < alpha. */
  significant: boolean;
}

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
  /** The threshold's limit on |delta| in the metric's units (NaN when it cannot apply). */
  limit?: number;
  /** Whether the change goes past the threshold. */
  breached: boolean;
  /** The gate's test: present for a thresholded metric with n ≥ 2 on both sides. */
  gate?: GateTest;
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

/** The outcome of `compareRuns`. */
export interface CompareResult {
  /**
   * `fail` when a threshold was breached by a change significant after
   * correction, or untested under `n1: "fail"` (or a group diverged more
   * often).
   */
  status: "pass" | "fail";
  /** Significance level. */
  alpha: number;
  /** The multiple-testing correction over the family. */
  correction: Correction;
  /** Tests in the family: thresholded (group, metric) pairs with n ≥ 2 on both sides. */
  familySize: number;
  /** Breaches that could not be tested (n = 1 on a side), decided by `n1`. */
  untestedBreaches: number;
  /** Policy for breaches with n = 1 on a side (no test possible). */
  n1: "fail" | "warn";
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
