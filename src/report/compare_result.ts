/**
 * The outcome of `compareRuns`: per cell group and metric the statistics of
 * both sides, the change, its significance test, the threshold and the
 * verdict; and the run as a whole (status, failures, notes, protocol).
 * Rendered by `compareMarkdown` and `compareJson`.
 *
 * @module
 */
import type { MetricStats } from "./aggregate.ts";
import type { ProtocolInfo } from "./comparability.ts";
import type { TestResult } from "./significance.ts";
import type { Threshold } from "./thresholds.ts";
import type { Better } from "../results/columns.ts";

/** Which way a metric improves (the column schema's `better`). */
export type Direction = Better;

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

/** The outcome of `compareRuns`. */
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
