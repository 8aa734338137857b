/**
 * Thresholds of `compare`: limits on the change of a metric between a
 * baseline and a candidate, e.g. `fid:+5%` (FID may rise by at most 5% of
 * the baseline mean) or `eq_gap:+0.1` (absolute). Parsing from text and
 * JSON files, merging lists by precedence, formatting, and the breach rule.
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

const THRESHOLD_PATTERN =
  /^\s*([a-z][a-z0-9_]*)\s*:\s*(?:(off)|([+-]|±)?\s*(\d+(?:\.\d*)?|\.\d+)(?:e([+-]?\d+))?\s*(%)?)\s*$/i;

/**
 * Parses one threshold: `<metric>:<sign><value>[%]`, e.g. `fid:+5%`,
 * `is_mean:-3%`, `eq_gap:+0.1`, `fid:2` (no sign: the metric's worse
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
 *   metric: "fid", sign: "+", value: 0.05, relative: true, text: "fid:+5%",
 * });
 * assert.equal(parseThreshold("is_mean:3%").sign, "-"); // worse = lower IS
 * assert.ok(Number.isNaN(parseThreshold("kid_mean:off").value));
 * assert.throws(() => parseThreshold("fid:five"), /threshold 'fid:five'/);
 * ```
 */
export function parseThreshold(text: string): Threshold {
  const m = THRESHOLD_PATTERN.exec(text);
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
  const better = betterOf(metric);
  const sign = (m[3] as "+" | "-" | "±" | undefined) ??
    (better === "lower" ? "+" : better === "higher" ? "-" : "±");
  let value = Number(m[4]) * (m[5] ? 10 ** Number(m[5]) : 1);
  const relative = m[6] === "%";
  if (relative) value /= 100;
  return { metric, sign, value, relative, text: text.trim() };
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
 * Formats a threshold as `+5%` / `-0.1` / `±2`.
 *
 * @param t The threshold.
 * @returns Its limit, signed.
 * @example
 * ```ts
 * import { formatThreshold, parseThreshold } from "./thresholds.ts";
 * import assert from "node:assert/strict";
 * assert.equal(formatThreshold(parseThreshold("is_mean:-3%")), "-3%");
 * assert.equal(formatThreshold(parseThreshold("ssim_div:0.1")), "±0.1");
 * ```
 */
export function formatThreshold(t: Threshold): string {
  const v = t.relative ? `${+(t.value * 100).toPrecision(6)}%` : `${t.value}`;
  return `${t.sign}${v}`;
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
 * Whether a change goes past a threshold.
 *
 * @param t The threshold.
 * @param baselineMean The baseline mean (for relative thresholds).
 * @param delta candidate − baseline.
 * @returns True when breached (strictly past the limit).
 * @example
 * ```ts
 * import { isBreached, parseThreshold } from "./thresholds.ts";
 * import assert from "node:assert/strict";
 * assert.equal(isBreached(parseThreshold("fid:+5%"), 100, 6), true);
 * assert.equal(isBreached(parseThreshold("fid:+5%"), 100, 5), false); // at the limit
 * assert.equal(isBreached(parseThreshold("fid:+5%"), 100, -20), false); // an improvement
 * ```
 */
export function isBreached(
  t: Threshold,
  baselineMean: number,
  delta: number,
): boolean {
  if (!Number.isFinite(delta)) return false;
  const change = t.relative ? relativeChange(baselineMean, delta) : delta;
  if (t.sign === "+") return change > t.value;
  if (t.sign === "-") return change < -t.value;
  return Math.abs(change) > t.value;
}
