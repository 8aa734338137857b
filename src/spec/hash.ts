/**
 * A stable hash of a matrix spec, stored in every run's manifest so that a
 * run directory is never resumed or merged with results of a different
 * spec.
 *
 * @module
 */
import { createHash } from "node:crypto";
import type { MatrixSpec } from "./types.ts";
import { BUILTIN_CONFIG, mergeConfig } from "./defaults.ts";
import {
  mergeTranslationConfig,
  TRANSLATION_BUILTIN,
} from "./translation_config.ts";

/**
 * JSON with object keys sorted at every level and no whitespace; keys whose
 * value is `undefined` are left out, as `JSON.stringify` does.
 *
 * @param value Any JSON-serialisable value.
 * @returns The canonical text.
 * @example
 * ```ts
 * import { canonicalJson } from "./hash.ts";
 * import assert from "node:assert/strict";
 * assert.equal(
 *   canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] }),
 *   '{"a":[2,{"c":4,"d":3}],"b":1}',
 * );
 * ```
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${
      value.map((v) => v === undefined ? "null" : canonicalJson(v)).join(",")
    }]`;
  }
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).filter((k) => record[k] !== undefined)
      .sort();
    return `{${
      keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(
        ",",
      )
    }}`;
  }
  if (typeof value === "number" && !Number.isFinite(value)) {
    throw new Error(`canonicalJson: ${value} is not valid JSON`);
  }
  return JSON.stringify(value);
}

/**
 * The SHA-256 (hex) of the spec's canonical JSON. The `description` is left
 * out and `defaults` is completed with the built-in defaults first, so the
 * hash changes exactly when the cells or their settings can change — not
 * with key order, formatting or comments.
 *
 * @param spec A validated spec.
 * @returns 64 lowercase hex digits.
 * @example
 * ```ts
 * import { specHash } from "./hash.ts";
 * import assert from "node:assert/strict";
 * const spec = {
 *   name: "t", datasets: ["mnist"], variants: ["mlp"], losses: ["ns"],
 *   seeds: [0], defaults: {}, overrides: [], include: [], exclude: [],
 * };
 * assert.match(specHash(spec), /^[0-9a-f]{64}$/);
 * // The built-in defaults are part of the hash: stating one changes nothing.
 * assert.equal(specHash({ ...spec, defaults: { steps: 1000 } }), specHash(spec));
 * assert.notEqual(specHash({ ...spec, seeds: [1] }), specHash(spec));
 * ```
 */
export function specHash(spec: MatrixSpec): string {
  const { description: _description, ...rest } = spec;
  const normalised = {
    ...rest,
    defaults: spec.tasks !== undefined
      ? mergeTranslationConfig(TRANSLATION_BUILTIN, spec.defaults)
      : mergeConfig({ ...BUILTIN_CONFIG }, spec.defaults),
    overrides: spec.overrides ?? [],
    include: spec.include ?? [],
    exclude: spec.exclude ?? [],
  };
  return createHash("sha256").update(canonicalJson(normalised)).digest("hex");
}

/**
 * The hash a zoo spec without a `budget` setting had before the setting
 * existed (built-in defaults without `budget`), so that results written
 * then still read back; `undefined` for a spec that names a budget or is a
 * translation spec (neither existed then). Such a run counted G steps.
 *
 * @param spec A validated spec.
 * @returns 64 lowercase hex digits, or undefined.
 * @example
 * ```ts
 * import { legacySpecHash, specHash } from "./hash.ts";
 * import assert from "node:assert/strict";
 * const spec = {
 *   name: "t", datasets: ["mnist"], variants: ["mlp"], losses: ["ns"],
 *   seeds: [0], defaults: {}, overrides: [], include: [], exclude: [],
 * };
 * assert.notEqual(legacySpecHash(spec), specHash(spec));
 * assert.equal(legacySpecHash({ ...spec, defaults: { budget: "g-steps" as const } }), undefined);
 * ```
 */
export function legacySpecHash(spec: MatrixSpec): string | undefined {
  if (spec.tasks !== undefined || JSON.stringify(spec).includes('"budget"')) {
    return undefined;
  }
  const { budget: _budget, ...builtin } = BUILTIN_CONFIG;
  const { description: _description, ...rest } = spec;
  const normalised = {
    ...rest,
    defaults: mergeConfig(
      { ...builtin } as typeof BUILTIN_CONFIG,
      spec.defaults,
    ),
    overrides: spec.overrides ?? [],
    include: spec.include ?? [],
    exclude: spec.exclude ?? [],
  };
  return createHash("sha256").update(canonicalJson(normalised)).digest("hex");
}
