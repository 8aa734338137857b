/**
 * The built-in cell settings and how settings patches combine: a cell's
 * settings are {@linkcode BUILTIN_CONFIG}, then the spec's `defaults`, then
 * every matching override, each merged with {@linkcode mergeConfig}.
 *
 * @module
 */
import type { CellConfig, ConfigPatch, OptimizerOverrides } from "./types.ts";

/**
 * The settings of a cell that neither the spec's `defaults` nor an override
 * set. Changing one changes every `specHash`.
 *
 * @example
 * ```ts
 * import { BUILTIN_CONFIG } from "./defaults.ts";
 * import assert from "node:assert/strict";
 * assert.equal(BUILTIN_CONFIG.batchSize, 64);
 * assert.equal(BUILTIN_CONFIG.criticNorm, "auto");
 * assert.equal(BUILTIN_CONFIG.budget, "d-steps"); // steps count D steps
 * ```
 */
export const BUILTIN_CONFIG: Readonly<CellConfig> = Object.freeze({
  steps: 1000,
  budget: "d-steps",
  batchSize: 64,
  evalEvery: 500,
  checkpointEvery: 500,
  nEval: 10000,
  nEquilibrium: 512,
  nNeighbour: 1000,
  nNeighbourPool: 10000,
  nSsimPairs: 1000,
  kidSubsets: 100,
  kidSubsetSize: 1000,
  isSplits: 10,
  gridSize: 8,
  criticNorm: "auto",
  evaluator: "default",
});

/**
 * Merges a patch onto a config: plain keys replace, `optimizer.d` and
 * `optimizer.g` merge field by field. Neither input is modified.
 *
 * @param base The config so far.
 * @param patch The settings to apply.
 * @returns A new config.
 * @example
 * ```ts
 * import { BUILTIN_CONFIG, mergeConfig } from "./defaults.ts";
 * import assert from "node:assert/strict";
 * const a = mergeConfig({ ...BUILTIN_CONFIG }, { optimizer: { d: { kind: "adam" } } });
 * const b = mergeConfig(a, { steps: 5, optimizer: { d: { learningRate: 1e-4 } } });
 * assert.equal(b.steps, 5);
 * assert.deepEqual(b.optimizer, { d: { kind: "adam", learningRate: 1e-4 } });
 * assert.deepEqual(a.optimizer, { d: { kind: "adam" } });
 * ```
 */
export function mergeConfig(base: CellConfig, patch: ConfigPatch): CellConfig {
  const out: CellConfig = structuredClone(base);
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (key === "optimizer") {
      const optimizer: OptimizerOverrides = out.optimizer ?? {};
      const add = value as OptimizerOverrides;
      for (const side of ["d", "g"] as const) {
        if (add[side]) {
          optimizer[side] = { ...optimizer[side], ...add[side] };
        }
      }
      out.optimizer = optimizer;
    } else {
      (out as unknown as Record<string, unknown>)[key] = structuredClone(value);
    }
  }
  return out;
}
