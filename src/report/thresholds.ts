/**
 * Thresholds of `compare`: limits on the change of a metric between a
 * baseline and a candidate, e.g. `fid:+5%` (FID may rise by at most 5% of
 * the baseline mean), `kid_mean:+2sd` (by at most twice the baseline's
 * seed-to-seed standard deviation) or `eq_gap:+0.1` (absolute). Parsing
 * from text and JSON files, merging lists by precedence, formatting, and
 * the breach rule.
 *
 * @example
 * ```ts
 * import { isBreached, parseThreshold } from "./thresholds.ts";
 * import assert from "node:assert/strict";
 * const fid = parseThreshold("fid:+5%");
 * assert.equal(isBreached(fid, 100, 6), true);
 * ```
 *
 * @module
 */
import { betterOf } from "../results/columns.ts";
import { errorText } from "../util/errors.ts";
import { readJsonFile } from "../util/json.ts";

/** What a threshold's value is measured in (see {@linkcode Threshold}). */
export type ThresholdUnit = "%" | "sd" | "abs";

/** A limit on the change of one metric. */
export interface Threshold {
  /** The summary.csv column. */
  metric: string;
  /** `+`: fails when the metric rises past it; `-`: falls; `±`: either. */
  sign: "+" | "-" | "±";
  /** The limit (≥ 0), in `unit`s. */
  value: number;
  /**
   * `%`: a fraction of |baseline mean| (`value` 0.05 for 5%); `sd`: a
   * multiple of the baseline's sample standard deviation over seeds;
   * `abs`: in the metric's own units.
   */
  unit: ThresholdUnit;
  /** The text it was parsed from, e.g. `fid:+5%`. */
  text: string;
}

const THRESHOLD_PATTERN =
  /^\s*([a-z][a-z0-9_]*)\s*:\s*(?:(off)|([+-]|±)?\s*(\d+(?:\.\d*)?|\.\d+)(?:e([+-]?\d+))?\s*(%|sd)?)\s*$/i;

/**
 * Parses one threshold: `<metric>:<sign><value>[%|sd]`, e.g. `fid:+5%`,
 * `is_mean:-3%`, `kid_mean:+2sd`, `eq_gap:+0.1`, `fid:2` (no sign: the metric's worse
 * direction from the column schema, or either direction for an
 * informational metric), or `<metric>:off` (no threshold; `value` is then
 * NaN).
 *
 * @param text The threshold text.
 * @returns The threshold.
 * @throws Error One line naming the text when it is malformed.
 * @example
 * ```ts
 * import { parseThreshold } from "./thresholds.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(parseThreshold("fid:+5%"), {
 *   metric: "fid", sign: "+", value: 0.05, unit: "%", text: "fid:+5%",
 * });
 * assert.equal(parseThreshold("kid_mean:+2sd").unit, "sd");
 * assert.equal(parseThreshold("is_mean:3%").sign, "-"); // worse = lower IS
 * assert.ok(Number.isNaN(parseThreshold("kid_mean:off").value));
 * assert.throws(() => parseThreshold("fid:five"), /threshold 'fid:five'/);
 * ```
 */
export function parseThreshold(text: string): Threshold {
  const m = THRESHOLD_PATTERN.exec(text);
  if (!m) {
    throw new Error(
      `threshold '${text}': expected <metric>:<+|-><number>[%|sd] (e.g. fid:+5%, kid_mean:+2sd, eq_gap:+0.1) or <metric>:off`,
    );
  }
  const metric = m[1];
  if (m[2]) {
    return {
      metric,
      sign: "±",
      value: NaN,
      unit: "abs",
      text: text.trim(),
    };
  }
  const better = betterOf(metric);
  const sign = (m[3] as "+" | "-" | "±" | undefined) ??
    (better === "lower" ? "+" : better === "higher" ? "-" : "±");
  let value = Number(m[4]) * (m[5] ? 10 ** Number(m[5]) : 1);
  const unit: ThresholdUnit = m[6] === "%"
    ? "%"
    : m[6]?.toLowerCase() === "sd"
    ? "sd"
    : "abs";
  if (unit === "%") value /= 100;
  return { metric, sign, value, unit, text: text.trim() };
}

/**
 * The default thresholds: fid +5%, kid_mean +2sd (KID is near 0, so a
 * percentage of it means nothing; twice the baseline's seed spread does),
 * is_mean −3%, eq_gap +0.1 (absolute; its noise floor is about 0.03).
 */
export const DEFAULT_THRESHOLDS: readonly Threshold[] = [
  "fid:+5%",
  "kid_mean:+2sd",
  "is_mean:-3%",
  "eq_gap:+0.1",
].map((t) => parseThreshold(t));

/**
 * Parses a comma-separated list of thresholds (see
 * {@linkcode parseThreshold}).
 *
 * @param text E.g. `fid:+5%,is_mean:-3%`.
 * @returns The thresholds, in order.
 * @throws Error One line on the first malformed item.
 * @example
 * ```ts
 * import { parseThresholdList } from "./thresholds.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(
 *   parseThresholdList("fid:+5%, eq_gap:+0.1").map((t) => t.metric),
 *   ["fid", "eq_gap"],
 * );
 * assert.throws(() => parseThresholdList(" , "), /empty/);
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
 * import { readThresholdsFile } from "./thresholds.ts";
 * import assert from "node:assert/strict";
 * const path = await Deno.makeTempFile({ suffix: ".json" });
 * await Deno.writeTextFile(path, '{"fid": "+5%", "eq_gap": 0.2}');
 * const t = await readThresholdsFile(path);
 * assert.deepEqual(t.map((x) => x.text), ["fid:+5%", "eq_gap:0.2"]);
 * await Deno.writeTextFile(path, "[1]");
 * await assert.rejects(readThresholdsFile(path), /expected a JSON object/);
 * await Deno.remove(path);
 * ```
 */
export async function readThresholdsFile(path: string): Promise<Threshold[]> {
  const json = await readJsonFile(path, { what: "thresholds file" });
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
      throw new Error(`${path}: ${errorText(e)}`);
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
 * import { DEFAULT_THRESHOLDS, mergeThresholds, parseThresholdList } from "./thresholds.ts";
 * import assert from "node:assert/strict";
 * const merged = mergeThresholds(DEFAULT_THRESHOLDS, parseThresholdList("fid:off,psnr_nn:-1"));
 * assert.deepEqual(merged.map((t) => t.metric), ["kid_mean", "is_mean", "eq_gap", "psnr_nn"]);
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
 * Formats a threshold as `+5%` / `+2sd` / `-0.1` / `±2`.
 *
 * @param t The threshold.
 * @returns Its limit, signed.
 * @example
 * ```ts
 * import { formatThreshold, parseThreshold } from "./thresholds.ts";
 * import assert from "node:assert/strict";
 * assert.equal(formatThreshold(parseThreshold("is_mean:-3%")), "-3%");
 * assert.equal(formatThreshold(parseThreshold("ssim_div:0.1")), "±0.1");
 * assert.equal(formatThreshold(parseThreshold("kid_mean:+2sd")), "+2sd");
 * ```
 */
export function formatThreshold(t: Threshold): string {
  const v = t.unit === "%"
    ? `${+(t.value * 100).toPrecision(6)}%`
    : t.unit === "sd"
    ? `${t.value}sd`
    : `${t.value}`;
  return `${t.sign}${v}`;
}

/**
 * Whether a threshold can apply to a baseline of `n` values: an `sd`
 * threshold needs n ≥ 2 for a standard deviation; the others need n ≥ 1.
 *
 * @param t The threshold.
 * @param baselineN The number of baseline values (seeds).
 * @returns True when {@linkcode isBreached} can decide.
 * @example
 * ```ts
 * import { parseThreshold, thresholdApplies } from "./thresholds.ts";
 * import assert from "node:assert/strict";
 * assert.equal(thresholdApplies(parseThreshold("kid_mean:+2sd"), 1), false);
 * assert.equal(thresholdApplies(parseThreshold("kid_mean:+2sd"), 2), true);
 * assert.equal(thresholdApplies(parseThreshold("fid:+5%"), 1), true);
 * ```
 */
export function thresholdApplies(t: Threshold, baselineN: number): boolean {
  return baselineN >= (t.unit === "sd" ? 2 : 1);
}

/**
 * The largest allowed change in the metric's own units: `value` × |baseline
 * mean| for `%`, `value` × baseline std for `sd`, `value` for `abs` (NaN
 * when an `sd` threshold has no std).
 *
 * @param t The threshold.
 * @param baseline The baseline mean and sample standard deviation.
 * @returns The limit (≥ 0, or NaN).
 * @example
 * ```ts
 * import { parseThreshold, thresholdLimit } from "./thresholds.ts";
 * import assert from "node:assert/strict";
 * assert.equal(thresholdLimit(parseThreshold("kid_mean:+2sd"), { mean: 0.01, std: 0.002 }), 0.004);
 * assert.equal(thresholdLimit(parseThreshold("fid:+5%"), { mean: -200, std: 1 }), 10);
 * ```
 */
export function thresholdLimit(
  t: Threshold,
  baseline: { mean: number; std: number },
): number {
  if (t.unit === "%") return t.value * Math.abs(baseline.mean);
  if (t.unit === "sd") return t.value * baseline.std;
  return t.value;
}

/**
 * The change of a mean relative to the baseline mean: `delta / |baseline|`,
 * ±Infinity when the baseline mean is 0 (0 when both are).
 *
 * @param baselineMean The baseline mean.
 * @param delta candidate − baseline.
 * @returns The relative change.
 * @example
 * ```ts
 * import { relativeChange } from "./thresholds.ts";
 * import assert from "node:assert/strict";
 * assert.equal(relativeChange(-200, 20), 0.1);
 * assert.equal(relativeChange(0, -1), -Infinity);
 * ```
 */
export function relativeChange(baselineMean: number, delta: number): number {
  if (baselineMean === 0) return delta === 0 ? 0 : Math.sign(delta) * Infinity;
  return delta / Math.abs(baselineMean);
}

/**
 * Whether a change goes past a threshold. An `sd` threshold without a
 * finite baseline std (one seed) is never breached: see
 * {@linkcode thresholdApplies}.
 *
 * @param t The threshold.
 * @param baselineMean The baseline mean (for `%` thresholds).
 * @param delta candidate − baseline.
 * @param baselineStd The baseline's sample std over seeds (for `sd` thresholds).
 * @returns True when breached (strictly past the limit).
 * @example
 * ```ts
 * import { isBreached, parseThreshold } from "./thresholds.ts";
 * import assert from "node:assert/strict";
 * assert.equal(isBreached(parseThreshold("fid:+5%"), 100, 6), true);
 * assert.equal(isBreached(parseThreshold("fid:+5%"), 100, 5), false); // at the limit
 * assert.equal(isBreached(parseThreshold("fid:+5%"), 100, -20), false); // an improvement
 * const kid = parseThreshold("kid_mean:+2sd");
 * assert.equal(isBreached(kid, 0.001, 0.005, 0.002), true); // 0.005 > 2 × 0.002
 * assert.equal(isBreached(kid, 0.001, 0.005, NaN), false); // one baseline seed
 * ```
 */
export function isBreached(
  t: Threshold,
  baselineMean: number,
  delta: number,
  baselineStd = NaN,
): boolean {
  if (!Number.isFinite(delta)) return false;
  let change = delta;
  if (t.unit === "%") change = relativeChange(baselineMean, delta);
  if (t.unit === "sd") {
    if (!Number.isFinite(baselineStd)) return false;
    // In units of the baseline std; a std of 0 makes any worsening a breach.
    change = relativeChange(baselineStd, delta);
  }
  if (t.sign === "+") return change > t.value;
  if (t.sign === "-") return change < -t.value;
  return Math.abs(change) > t.value;
}
