/**
 * Multiple-testing corrections for `compare`'s gate: when many (cell group,
 * metric) pairs are tested at once, some raw p-values fall below alpha by
 * chance alone. Holm–Bonferroni controls the family-wise error rate (the
 * chance of any false failure), Benjamini–Hochberg the false discovery
 * rate (the expected share of false failures among the failures). Both
 * follow R's `p.adjust` (methods `"holm"` and `"BH"`).
 *
 * @example
 * ```ts
 * import { adjustPValues } from "./multiple_testing.ts";
 * import assert from "node:assert/strict";
 * // Twenty tests at raw p = 0.02: none survives Holm at alpha 0.05.
 * const adjusted = adjustPValues(Array(20).fill(0.02), "holm");
 * assert.ok(adjusted.every((p) => p >= 0.05));
 * ```
 *
 * @module
 */

/** A multiple-testing correction: Holm–Bonferroni, Benjamini–Hochberg or none. */
export type Correction = "holm" | "bh" | "none";

/** The corrections, in the order `--correction` lists them. */
export const CORRECTIONS: readonly Correction[] = ["holm", "bh", "none"];

/** Throws unless every p-value is a number in [0, 1]. */
function checkPValues(p: readonly number[], what: string): void {
  p.forEach((x, i) => {
    if (!(x >= 0 && x <= 1)) {
      throw new Error(`${what}: p[${i}] = ${x} is not a p-value in [0, 1]`);
    }
  });
}

/** Indices of `p` by ascending p (ties keep their order). */
function ascendingOrder(p: readonly number[]): number[] {
  return p.map((_, i) => i).sort((i, j) => p[i] - p[j] || i - j);
}

/**
 * Holm–Bonferroni step-down adjusted p-values: with p₍₁₎ ≤ … ≤ p₍ₘ₎,
 * p̃₍ᵢ₎ = max over j ≤ i of min(1, (m − j + 1) p₍ⱼ₎). Rejecting where
 * p̃ < alpha controls the family-wise error rate at alpha under any
 * dependence between the tests.
 *
 * @param p Raw p-values, each in [0, 1].
 * @returns Adjusted p-values, in the input order (never below the raw ones, at most 1).
 * @throws Error One line naming the first value that is not a p-value.
 * @example
 * ```ts
 * import { holmAdjust } from "./multiple_testing.ts";
 * import assert from "node:assert/strict";
 * const adj = holmAdjust([0.01, 0.04, 0.03, 0.005]).map((x) => +x.toFixed(12));
 * assert.deepEqual(adj, [0.03, 0.06, 0.06, 0.02]);
 * ```
 */
export function holmAdjust(p: readonly number[]): number[] {
  checkPValues(p, "holmAdjust");
  const m = p.length;
  const out = new Array<number>(m);
  let running = 0;
  ascendingOrder(p).forEach((index, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p[index]));
    out[index] = running;
  });
  return out;
}

/**
 * Benjamini–Hochberg step-up adjusted p-values: with p₍₁₎ ≤ … ≤ p₍ₘ₎,
 * p̃₍ᵢ₎ = min over j ≥ i of min(1, m p₍ⱼ₎ / j). Rejecting where
 * p̃ < alpha controls the false discovery rate at alpha for independent
 * or positively dependent tests.
 *
 * @param p Raw p-values, each in [0, 1].
 * @returns Adjusted p-values, in the input order (never below the raw ones, at most 1).
 * @throws Error One line naming the first value that is not a p-value.
 * @example
 * ```ts
 * import { bhAdjust } from "./multiple_testing.ts";
 * import assert from "node:assert/strict";
 * const adj = bhAdjust([0.01, 0.04, 0.03, 0.005]).map((x) => +x.toFixed(12));
 * assert.deepEqual(adj, [0.02, 0.04, 0.04, 0.02]);
 * ```
 */
export function bhAdjust(p: readonly number[]): number[] {
  checkPValues(p, "bhAdjust");
  const m = p.length;
  const out = new Array<number>(m);
  const order = ascendingOrder(p);
  let running = 1;
  for (let rank = m - 1; rank >= 0; rank--) {
    const index = order[rank];
    // m / i first, as R does: exact when i = m.
    running = Math.min(running, (m / (rank + 1)) * p[index]);
    out[index] = running;
  }
  return out;
}

/**
 * Adjusts p-values by a correction (`none` returns a copy).
 *
 * @param p Raw p-values, each in [0, 1].
 * @param correction `holm`, `bh` or `none`.
 * @returns Adjusted p-values, in the input order.
 * @throws Error One line naming the first value that is not a p-value.
 * @example
 * ```ts
 * import { adjustPValues } from "./multiple_testing.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(adjustPValues([0.02, 0.5], "none"), [0.02, 0.5]);
 * assert.deepEqual(adjustPValues([0.02, 0.5], "holm"), [0.04, 0.5]);
 * ```
 */
export function adjustPValues(
  p: readonly number[],
  correction: Correction,
): number[] {
  if (correction === "holm") return holmAdjust(p);
  if (correction === "bh") return bhAdjust(p);
  checkPValues(p, "adjustPValues");
  return [...p];
}

/**
 * The name of a correction, for reports.
 *
 * @param correction The correction.
 * @returns E.g. `Holm–Bonferroni`.
 * @example
 * ```ts
 * import { correctionName } from "./multiple_testing.ts";
 * import assert from "node:assert/strict";
 * assert.equal(correctionName("bh"), "Benjamini–Hochberg");
 * ```
 */
export function correctionName(correction: Correction): string {
  return {
    holm: "Holm–Bonferroni",
    bh: "Benjamini–Hochberg",
    none: "no correction",
  }[correction];
}
