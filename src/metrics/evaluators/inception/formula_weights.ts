/**
 * Deterministic "formula" weights for the FID Inception-v3: every value is a
 * fixed function of its tensor's position in the state dict and its flat
 * index, computed with exact 32-bit integer hashing and IEEE double
 * arithmetic, so that `tests/fixtures/inception/make_inception_fixtures.py`
 * (numpy) produces bit-identical float32 tensors. They stand in for the real
 * 95 MB weight file in tests and end-to-end runs; the scales keep activations
 * of order one through all 94 layers.
 *
 * @module
 */
import { fidInceptionParameterShapes } from "./architecture.ts";
import type { StateDict } from "./state_dict.ts";

/** murmur3's 32-bit finaliser (a bijective avalanche mix of a uint32). */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The uniform value in [0, 1) of element `i` of tensor `k`:
 * `fmix32(((k + 1) · 0x9E3779B9 mod 2³²) XOR i) / 2³²`.
 *
 * @param k Tensor position in {@linkcode fidInceptionParameterShapes} order.
 * @param i Flat (row-major) element index.
 * @returns A double in [0, 1).
 * @example
 * ```ts
 * import { formulaUniform } from "./formula_weights.ts";
 * formulaUniform(0, 0); // same value as the Python fixture script
 * ```
 */
export function formulaUniform(k: number, i: number): number {
  return fmix32((Math.imul(k + 1, 0x9e3779b9) ^ i) >>> 0) / 4294967296;
}

/**
 * The map from the uniform value `u` to a weight of tensor `name`: conv
 * weights He-uniform `(u − ½)·2√(6/fan_in)`, BN weight `0.8 + 0.4u`, BN bias
 * and running mean `0.2(u − ½)`, running variance `0.5 + u`, fc weight
 * `(u − ½)·2√(3/2048)`, fc bias `u − ½` (the Python script evaluates the
 * same expressions in the same order, in doubles).
 *
 * @param name State-dict key.
 * @param shape Its PyTorch shape.
 * @returns `u ↦ value`.
 * @throws {Error} For a key the formula does not know.
 * @example
 * ```ts
 * import { formulaMap } from "./formula_weights.ts";
 * formulaMap("fc.bias", [1008])(0.75); // 0.25
 * ```
 */
export function formulaMap(
  name: string,
  shape: number[],
): (u: number) => number {
  if (name.endsWith(".conv.weight")) {
    const s = 2 * Math.sqrt(6 / (shape[1] * shape[2] * shape[3]));
    return (u) => (u - 0.5) * s;
  }
  if (name.endsWith(".bn.weight")) return (u) => 0.8 + 0.4 * u;
  if (name.endsWith(".bn.bias") || name.endsWith(".bn.running_mean")) {
    return (u) => 0.2 * (u - 0.5);
  }
  if (name.endsWith(".bn.running_var")) return (u) => 0.5 + u;
  if (name === "fc.weight") {
    const s = 2 * Math.sqrt(3 / shape[1]);
    return (u) => (u - 0.5) * s;
  }
  if (name === "fc.bias") return (u) => u - 0.5;
  throw new Error(`formula weights: no formula for state-dict key "${name}"`);
}

/**
 * The whole FID Inception-v3 state dict filled by {@linkcode formulaMap} of {@linkcode formulaUniform}.
 *
 * @returns Key → `{shape, data}` for all 472 tensors (about 95 MB).
 * @example
 * ```ts
 * import { formulaStateDict } from "./formula_weights.ts";
 * const weights = formulaStateDict();
 * weights.get("fc.weight")!.shape; // [1008, 2048]
 * ```
 */
export function formulaStateDict(): StateDict {
  const out: StateDict = new Map();
  fidInceptionParameterShapes().forEach(([name, shape], k) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    const map = formulaMap(name, shape);
    for (let i = 0; i < n; i++) data[i] = map(formulaUniform(k, i));
    out.set(name, { shape, data });
  });
  return out;
}
