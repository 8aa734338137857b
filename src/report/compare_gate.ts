/**
 * The decision of `compare`'s gate, once every metric of every cell group
 * has its change, its test and its breach: the gate p-values of all
 * thresholded (group, metric) pairs that could be tested form one family,
 * are adjusted together ({@linkcode adjustPValues}), and a breach fails
 * when its adjusted p is below alpha. A breach with n = 1 on a side has no
 * test and follows the `n1` policy. Also the verdict of every metric, the
 * failure lines and the notes on what could not be tested.
 *
 * @example
 * ```ts
 * import { decideGate } from "./compare_gate.ts";
 * import assert from "node:assert/strict";
 * const none = decideGate([], { alpha: 0.05, correction: "holm", n1: "fail" });
 * assert.deepEqual(none, { failures: [], familySize: 0, untestedBreaches: 0 });
 * ```
 *
 * @module
 */
import type {
  GroupComparison,
  MetricComparison,
  Verdict,
} from "./compare_result.ts";
import {
  describeGate,
  describeTest,
  formatPercent,
  formatSigned,
} from "./compare_format.ts";
import { adjustPValues } from "./multiple_testing.ts";
import type { Correction } from "./multiple_testing.ts";
import { formatThreshold } from "./thresholds.ts";

/** What the gate decides by. */
export interface GateSettings {
  /** Significance level of the adjusted p-values. */
  alpha: number;
  /** The correction over the family. */
  correction: Correction;
  /** What an untested breach (n = 1 on a side) does. */
  n1: "fail" | "warn";
}

/** What {@linkcode decideGate} concluded. */
export interface GateOutcome {
  /** One line per failure, group by group (divergence first). */
  failures: string[];
  /** Tests in the family. */
  familySize: number;
  /** Breaches with no test (n = 1 on a side). */
  untestedBreaches: number;
}

/** The verdict of a metric whose gate test (if any) has its adjusted p. */
function verdictOf(m: MetricComparison, n1: "fail" | "warn"): Verdict {
  if (m.baseline.n === 0 || m.candidate.n === 0) return "missing";
  if (m.breached) {
    if (m.gate) return m.gate.significant ? "fail" : "noise";
    return n1 === "fail" ? "fail" : "untested";
  }
  if (m.threshold && Number.isNaN(m.limit)) return "untestable";
  if (m.test.significant === null) return "untested";
  if (!m.test.significant || m.delta === 0) return "same";
  if (m.direction === "none") return "changed";
  return (m.direction === "lower") === (m.delta < 0) ? "better" : "worse";
}

/** The failure line of a metric whose verdict is `fail`. */
function failureLine(
  key: string,
  m: MetricComparison,
  s: GateSettings,
  familySize: number,
): string {
  const t = m.threshold!;
  const limit = t.unit === "sd" ? ` (limit ${formatSigned(m.limit!)})` : "";
  const test = m.gate
    ? describeGate(m.gate, s.correction, familySize)
    : `${describeTest(m.test)}: untested breach (--n1 fail)`;
  return `${key} ${m.metric}: ${formatSigned(m.delta)} (${
    formatPercent(m.relDelta)
  }) past ${formatThreshold(t)}${limit}, ${test}`;
}

/**
 * Adjusts the gate p-values of all groups over one family, sets every
 * metric's `gate.pAdjusted`, `gate.significant` and `verdict` (in place)
 * and returns the failure lines.
 *
 * @param groups The compared groups (gate p-values set, verdicts not yet).
 * @param s Alpha, correction and the n = 1 policy.
 * @returns The failures, the family size and the untested breaches.
 * @example
 * ```ts
 * import { decideGate } from "./compare_gate.ts";
 * import type { GroupComparison, MetricComparison } from "./compare_result.ts";
 * import { parseThreshold } from "./thresholds.ts";
 * import assert from "node:assert/strict";
 * const stats = (mean: number) => ({ values: [mean, mean], mean, std: 0.1, n: 2 });
 * const fid = (p: number): MetricComparison => ({
 *   metric: "fid", direction: "lower", baseline: stats(100), candidate: stats(110),
 *   delta: 10, relDelta: 0.1, test: { kind: "welch", significant: true },
 *   threshold: parseThreshold("fid:+5%"), limit: 5, breached: true,
 *   gate: { alternative: "greater", p, pAdjusted: NaN, significant: false },
 *   verdict: "missing",
 * });
 * const group = (key: string, p: number): GroupComparison => ({
 *   key, dataset: "m", variant: "mlp", loss: key, divergenceFail: false,
 *   baseline: { seeds: [0, 1], diverged: 0 }, candidate: { seeds: [0, 1], diverged: 0 },
 *   metrics: [fid(p)],
 * });
 * const groups = [group("ns", 0.02), group("hinge", 0.5)];
 * const out = decideGate(groups, { alpha: 0.05, correction: "holm", n1: "fail" });
 * assert.equal(out.familySize, 2);
 * assert.equal(groups[0].metrics[0].gate!.pAdjusted, 0.04);
 * assert.equal(groups[0].metrics[0].verdict, "fail");
 * assert.equal(groups[1].metrics[0].verdict, "noise");
 * assert.equal(
 *   out.failures[0],
 *   "ns fid: +10 (+10.0%) past +5%, Welch t p=0.020 (one-sided), Holm–Bonferroni-adjusted p=0.040 over 2 tests",
 * );
 * ```
 */
export function decideGate(
  groups: readonly GroupComparison[],
  s: GateSettings,
): GateOutcome {
  const family = groups.flatMap((g) => g.metrics.filter((m) => m.gate));
  const adjusted = adjustPValues(family.map((m) => m.gate!.p), s.correction);
  family.forEach((m, i) => {
    m.gate!.pAdjusted = adjusted[i];
    m.gate!.significant = adjusted[i] < s.alpha;
  });
  const failures: string[] = [];
  let untestedBreaches = 0;
  for (const g of groups) {
    if (g.divergenceFail) {
      const [c, b] = [g.candidate, g.baseline];
      failures.push(
        `${g.key}: diverged on ${c.diverged}/${c.seeds.length} seeds (baseline ${b.diverged}/${b.seeds.length})`,
      );
    }
    for (const m of g.metrics) {
      m.verdict = verdictOf(m, s.n1);
      if (m.breached && !m.gate) untestedBreaches++;
      if (m.verdict === "fail") {
        failures.push(failureLine(g.key, m, s, family.length));
      }
    }
  }
  return { failures, familySize: family.length, untestedBreaches };
}

/**
 * Notes on what the gate could not test: `sd` thresholds with one baseline
 * seed (no limit, not gated) and breaches with n = 1 on a side.
 *
 * @param groups The groups, verdicts set by {@linkcode decideGate}.
 * @returns One line per kind, naming the groups.
 * @example
 * ```ts
 * import { gateNotes } from "./compare_gate.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(gateNotes([]), []);
 * ```
 */
export function gateNotes(groups: readonly GroupComparison[]): string[] {
  const notes: string[] = [];
  const all = groups.flatMap((g) => g.metrics.map((m) => ({ g, m })));
  const untestable = all.filter(({ m }) => m.verdict === "untestable");
  for (const t of new Set(untestable.map(({ m }) => m.threshold!))) {
    const keys = untestable.filter(({ m }) => m.threshold === t)
      .map(({ g }) => g.key);
    notes.push(
      `${t.metric} ${
        formatThreshold(t)
      } cannot apply with one baseline seed (no seed spread), not gated: ${
        keys.join(", ")
      }`,
    );
  }
  const untested = all.filter(({ m }) => m.breached && !m.gate);
  if (untested.length > 0) {
    notes.push(
      `${untested.length} breach(es) untested (n = 1 on a side, no test possible): ${
        untested.map(({ g, m }) => `${g.key} ${m.metric}`).join(", ")
      }`,
    );
  }
  return notes;
}
