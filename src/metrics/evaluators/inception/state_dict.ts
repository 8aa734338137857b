/**
 * A PyTorch state dict as plain arrays (key → shape + float32 values, keys as
 * PyTorch writes them) and the checked lookup the network uses to read it.
 *
 * @module
 */

/** One tensor of a state dict: PyTorch shape and row-major float32 values. */
export interface StateDictTensor {
  /** Shape in PyTorch order (conv weights `[out, in, kh, kw]`). */
  shape: number[];
  /** Row-major values. */
  data: Float32Array;
}

/** State-dict key (e.g. `Mixed_5b.branch1x1.conv.weight`) → tensor. */
export type StateDict = Map<string, StateDictTensor>;

/**
 * Reads one tensor and checks its shape.
 *
 * @param weights The state dict.
 * @param name The key.
 * @param shape The expected shape.
 * @param where What the dict is (for the error text), e.g. a file path.
 * @returns The tensor's values.
 * @throws {Error} One line naming the key when it is missing, or the key and
 *   both shapes when its shape or length differs.
 * @example
 * ```ts
 * import { requireTensor, type StateDict } from "./state_dict.ts";
 * const sd: StateDict = new Map([["fc.bias", { shape: [2], data: new Float32Array(2) }]]);
 * requireTensor(sd, "fc.bias", [2]).length; // 2
 * ```
 */
export function requireTensor(
  weights: StateDict,
  name: string,
  shape: number[],
  where = "Inception weights",
): Float32Array {
  const t = weights.get(name);
  if (t === undefined) {
    throw new Error(
      `${where}: missing key "${name}" (expected shape [${shape.join(", ")}])`,
    );
  }
  const n = shape.reduce((a, b) => a * b, 1);
  const sameShape = t.shape.length === shape.length &&
    t.shape.every((d, i) => d === shape[i]);
  if (!sameShape || t.data.length !== n) {
    throw new Error(
      `${where}: key "${name}" has shape [${
        t.shape.join(", ")
      }] (${t.data.length} values), expected [${shape.join(", ")}]`,
    );
  }
  return t.data;
}
