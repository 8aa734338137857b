/**
 * A small validator for parsed JSON: field rules (integers, bounded numbers,
 * choices, ids), unknown keys and id lists. Every problem is recorded under
 * the key path of the offending value (`defaults.steps`, `seeds[1]`), so
 * that one line can name them all.
 *
 * @module
 */

/** Ids become file names: letters, digits, `_`, `.`, `-` (not first). */
export const ID_PATTERN: RegExp = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** How one value is checked. */
export type Rule =
  /** An integer ≥ `min`. */
  | { kind: "int"; min: number }
  /** A finite number ≥ `min` (> with `exclusiveMin`), and < `below` if set. */
  | { kind: "number"; min: number; exclusiveMin?: boolean; below?: number }
  /** One of the strings `choices`. */
  | { kind: "choice"; choices: readonly string[] }
  /** A string matching {@linkcode ID_PATTERN}. */
  | { kind: "id" };

/**
 * The problems found in one value, each named by its key path.
 *
 * @example
 * ```ts
 * import { Problems } from "./schema.ts";
 * import assert from "node:assert/strict";
 * const problems = new Problems();
 * problems.add("defaults.steps", "expected a positive integer, got 0");
 * assert.deepEqual(problems.list, ["defaults.steps: expected a positive integer, got 0"]);
 * ```
 */
export class Problems {
  /** `<path>: <message>` entries, in the order found. */
  readonly list: string[] = [];

  /**
   * Records a problem.
   *
   * @param path Where: a key path such as `overrides[0].set.steps`.
   * @param message What is wrong.
   */
  add(path: string, message: string): void {
    this.list.push(`${path}: ${message}`);
  }
}

/**
 * Whether a value is a plain JSON object (not null, not an array).
 *
 * @param value Anything.
 * @returns True for `{…}`.
 * @example
 * ```ts
 * import { isObject } from "./schema.ts";
 * import assert from "node:assert/strict";
 * assert.equal(isObject({}), true);
 * assert.equal(isObject([]), false);
 * ```
 */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A short description of a value for "got …" in messages.
 *
 * @param value Anything parsed from JSON.
 * @returns E.g. `"10"` (a quoted string), `-5`, `an array`, `null`.
 * @example
 * ```ts
 * import { describe } from "./schema.ts";
 * import assert from "node:assert/strict";
 * assert.equal(describe("10"), '"10"');
 * assert.equal(describe([1]), "an array");
 * ```
 */
export function describe(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "object") return "an object";
  return String(value);
}

/**
 * Reports every key of `value` that `accepted` does not list.
 *
 * @param value The object.
 * @param accepted The keys it may have.
 * @param path The object's path (`""` at the top level).
 * @param problems Where problems go.
 * @example
 * ```ts
 * import { checkKeys, Problems } from "./schema.ts";
 * import assert from "node:assert/strict";
 * const problems = new Problems();
 * checkKeys({ stpes: 3 }, ["steps"], "defaults", problems);
 * assert.deepEqual(problems.list, ["defaults.stpes: unknown key (accepted: steps)"]);
 * ```
 */
export function checkKeys(
  value: Record<string, unknown>,
  accepted: readonly string[],
  path: string,
  problems: Problems,
): void {
  for (const key of Object.keys(value)) {
    if (!accepted.includes(key)) {
      problems.add(
        path ? `${path}.${key}` : key,
        `unknown key (accepted: ${accepted.join(", ")})`,
      );
    }
  }
}

function intText(min: number): string {
  if (min === 0) return "a non-negative integer";
  if (min === 1) return "a positive integer";
  return `an integer ≥ ${min}`;
}

/**
 * Checks one value against a rule.
 *
 * @param value The value.
 * @param rule The rule.
 * @param path The value's key path.
 * @param problems Where a problem goes.
 * @returns True when the value passes.
 * @example
 * ```ts
 * import { checkRule, Problems } from "./schema.ts";
 * import assert from "node:assert/strict";
 * const problems = new Problems();
 * assert.equal(checkRule(0.5, { kind: "number", min: 0, below: 1 }, "gEma", problems), true);
 * assert.equal(checkRule(-5, { kind: "int", min: 1 }, "steps", problems), false);
 * assert.deepEqual(problems.list, ["steps: expected a positive integer, got -5"]);
 * ```
 */
export function checkRule(
  value: unknown,
  rule: Rule,
  path: string,
  problems: Problems,
): boolean {
  let expected: string | undefined;
  switch (rule.kind) {
    case "int":
      if (
        typeof value !== "number" || !Number.isInteger(value) ||
        value < rule.min
      ) expected = intText(rule.min);
      break;
    case "number": {
      const ok = typeof value === "number" && Number.isFinite(value) &&
        (rule.exclusiveMin ? value > rule.min : value >= rule.min) &&
        (rule.below === undefined || value < rule.below);
      if (!ok) {
        const low = `${rule.exclusiveMin ? ">" : "≥"} ${rule.min}`;
        const high = rule.below === undefined ? "" : ` and < ${rule.below}`;
        expected = `a number ${low}${high}`;
      }
      break;
    }
    case "choice":
      if (typeof value !== "string" || !rule.choices.includes(value)) {
        expected = `one of ${rule.choices.join(", ")}`;
      }
      break;
    case "id":
      if (!isId(value)) expected = "an id (letters, digits, _ . -)";
      break;
  }
  if (expected === undefined) return true;
  problems.add(path, `expected ${expected}, got ${describe(value)}`);
  return false;
}

/**
 * Whether a value is an id: a string matching {@linkcode ID_PATTERN}.
 *
 * @param value Anything.
 * @returns True for e.g. `"wgan-gp"`, false for `"../x"`.
 * @example
 * ```ts
 * import { isId } from "./schema.ts";
 * import assert from "node:assert/strict";
 * assert.equal(isId("wgan-gp"), true);
 * assert.equal(isId("../x"), false);
 * ```
 */
export function isId(value: unknown): value is string {
  return typeof value === "string" && ID_PATTERN.test(value);
}

/**
 * Checks a list of distinct ids.
 *
 * @param value The value that should be the list.
 * @param path Its key path.
 * @param problems Where problems go.
 * @param allowEmpty Whether `[]` is accepted.
 * @returns The valid ids, in order (duplicates and bad items left out).
 * @example
 * ```ts
 * import { checkIdList, Problems } from "./schema.ts";
 * import assert from "node:assert/strict";
 * const problems = new Problems();
 * assert.deepEqual(checkIdList(["ns", "ns"], "losses", problems, false), ["ns"]);
 * assert.deepEqual(problems.list, ['losses[1]: duplicate "ns"']);
 * ```
 */
export function checkIdList(
  value: unknown,
  path: string,
  problems: Problems,
  allowEmpty: boolean,
): string[] {
  if (!Array.isArray(value)) {
    problems.add(path, `expected an array of ids, got ${describe(value)}`);
    return [];
  }
  if (!allowEmpty && value.length === 0) {
    problems.add(path, "expected at least one id");
  }
  const out: string[] = [];
  value.forEach((item, i) => {
    if (!isId(item)) {
      problems.add(
        `${path}[${i}]`,
        `expected an id (letters, digits, _ . -), got ${describe(item)}`,
      );
    } else if (out.includes(item)) {
      problems.add(`${path}[${i}]`, `duplicate ${JSON.stringify(item)}`);
    } else {
      out.push(item);
    }
  });
  return out;
}

/**
 * Checks an optional array item by item.
 *
 * @param value The value that should be an array (absent = `[]`).
 * @param path Its key path.
 * @param problems Where problems go.
 * @param item Checks one item at its path; `undefined` leaves it out.
 * @returns The checked items.
 * @example
 * ```ts
 * import { checkArray, Problems } from "./schema.ts";
 * import assert from "node:assert/strict";
 * const problems = new Problems();
 * const ints = checkArray([1, "2"], "xs", problems, (v, p) =>
 *   typeof v === "number" ? v : void problems.add(p, "expected a number"));
 * assert.deepEqual(ints, [1]);
 * assert.deepEqual(problems.list, ["xs[1]: expected a number"]);
 * ```
 */
export function checkArray<T>(
  value: unknown,
  path: string,
  problems: Problems,
  item: (v: unknown, p: string) => T | undefined,
): T[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.add(path, `expected an array, got ${describe(value)}`);
    return [];
  }
  const out: T[] = [];
  value.forEach((v, i) => {
    const parsed = item(v, `${path}[${i}]`);
    if (parsed !== undefined) out.push(parsed);
  });
  return out;
}
