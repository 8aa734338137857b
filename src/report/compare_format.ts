/**
 * Number and test formatting shared by `compare`'s failure lines and its
 * Markdown: about four significant digits, signed changes, percentages and
 * p-values.
 *
 * @example
 * ```ts
 * import { formatPercent, formatSigned } from "./compare_format.ts";
 * import assert from "node:assert/strict";
 * assert.equal(`${formatSigned(12)} (${formatPercent(0.12)})`, "+12 (+12.0%)");
 * ```
 *
 * @module
 */
import type { GateTest } from "./compare_result.ts";
import { correctionName } from "./multiple_testing.ts";
import type { Correction } from "./multiple_testing.ts";
import type { TestResult } from "./significance.ts";

/**
 * A number with about four significant digits, no exponent for usual
 * magnitudes.
 *
 * @param x The number.
 * @returns The text (`—` for NaN, `∞` / `−∞` for infinities).
 * @example
 * ```ts
 * import { formatNumber } from "./compare_format.ts";
 * import assert from "node:assert/strict";
 * assert.equal(formatNumber(123.4567), "123.5");
 * assert.equal(formatNumber(0.000123456), "0.0001235");
 * assert.equal(formatNumber(NaN), "—");
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

/**
 * A number with a sign and about four significant digits.
 *
 * @param x The number.
 * @returns E.g. `+1.234`, `-0.05`, `0` (non-finite numbers as `String(x)`).
 * @example
 * ```ts
 * import { formatSigned } from "./compare_format.ts";
 * import assert from "node:assert/strict";
 * assert.equal(formatSigned(1.23456), "+1.235");
 * assert.equal(formatSigned(-0.05), "-0.05");
 * assert.equal(formatSigned(0), "0");
 * ```
 */
export function formatSigned(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const s = formatNumber(x);
  return x > 0 ? `+${s}` : s;
}

/**
 * A fraction as a signed percentage: two decimals below 10%, one above.
 *
 * @param x The fraction (0.12 = 12%).
 * @returns E.g. `+12.0%`, `-3.25%` (`—` for NaN).
 * @example
 * ```ts
 * import { formatPercent } from "./compare_format.ts";
 * import assert from "node:assert/strict";
 * assert.equal(formatPercent(0.12), "+12.0%");
 * assert.equal(formatPercent(-0.0325), "-3.25%");
 * assert.equal(formatPercent(-Infinity), "−∞%");
 * ```
 */
export function formatPercent(x: number): string {
  if (Number.isNaN(x)) return "—";
  if (!Number.isFinite(x)) return x > 0 ? "+∞%" : "−∞%";
  const s = (x * 100).toFixed(Math.abs(x) < 0.1 ? 2 : 1);
  return `${x > 0 ? "+" : ""}${s}%`;
}

/**
 * A p-value: three decimals, or an exponent below 0.001.
 *
 * @param p The p-value.
 * @returns E.g. `0.042`, `1.2e-5`.
 * @example
 * ```ts
 * import { formatP } from "./compare_format.ts";
 * import assert from "node:assert/strict";
 * assert.equal(formatP(0.04217), "0.042");
 * assert.equal(formatP(0.0000123), "1.2e-5");
 * ```
 */
export function formatP(p: number): string {
  if (p < 0.001) return p.toExponential(1);
  return p.toFixed(3);
}

/**
 * A test in a few words, for a failure line.
 *
 * @param test The test result.
 * @returns E.g. `Welch t p=0.002` (two-sided), `n=1, no test`.
 * @example
 * ```ts
 * import { describeTest } from "./compare_format.ts";
 * import assert from "node:assert/strict";
 * assert.equal(describeTest({ kind: "welch", p: 0.002, significant: true }), "Welch t p=0.002");
 * assert.equal(describeTest({ kind: "none", significant: null }), "n=1, no test");
 * ```
 */
export function describeTest(test: TestResult): string {
  switch (test.kind) {
    case "welch":
      return `Welch t p=${formatP(test.p!)}`;
    default:
      return "n=1, no test";
  }
}

/**
 * The gate's test in a few words, for a failure line: the raw p, its
 * sidedness and the adjusted p over the family.
 *
 * @param gate The gate test.
 * @param correction The correction over the family.
 * @param familySize Tests in the family.
 * @returns E.g. `Welch t p=0.001 (one-sided), Holm–Bonferroni-adjusted p=0.008 over 8 tests`.
 * @example
 * ```ts
 * import { describeGate } from "./compare_format.ts";
 * import assert from "node:assert/strict";
 * const gate = { alternative: "greater", p: 0.001, pAdjusted: 0.008, significant: true } as const;
 * assert.equal(
 *   describeGate(gate, "holm", 8),
 *   "Welch t p=0.001 (one-sided), Holm–Bonferroni-adjusted p=0.008 over 8 tests",
 * );
 * assert.equal(describeGate(gate, "none", 8), "Welch t p=0.001 (one-sided), no correction (8 tests)");
 * ```
 */
export function describeGate(
  gate: GateTest,
  correction: Correction,
  familySize: number,
): string {
  const sides = gate.alternative === "two-sided" ? "two-sided" : "one-sided";
  const tests = `${familySize} test${familySize === 1 ? "" : "s"}`;
  const adjusted = correction === "none"
    ? `no correction (${tests})`
    : `${correctionName(correction)}-adjusted p=${
      formatP(gate.pAdjusted)
    } over ${tests}`;
  return `Welch t p=${formatP(gate.p)} (${sides}), ${adjusted}`;
}

/**
 * The first eight characters of a hash (MD5), as in messages and tables.
 *
 * @param md5 The hash.
 * @returns Its first eight characters (the whole text when shorter).
 * @example
 * ```ts
 * import { shortHash } from "./compare_format.ts";
 * import assert from "node:assert/strict";
 * assert.equal(shortHash("0e56b65fe7c93a2e7a550d53cc5412e9"), "0e56b65f");
 * assert.equal(shortHash("?"), "?");
 * ```
 */
export function shortHash(md5: string): string {
  return md5.length > 8 ? md5.slice(0, 8) : md5;
}
