/**
 * Optimizers per loss (Adam, RMSProp) built from a plain, serialisable spec,
 * and reading/writing their state for checkpoints. The kinds and the settings
 * each reads are listed in `optimizer_settings.ts`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import {
  isOptimizerKind,
  OPTIMIZER_KINDS,
  type OptimizerKind,
} from "./optimizer_settings.ts";

/** A serialisable optimizer description (recorded in the run config). */
export interface OptimizerSpec {
  /** Algorithm: one of `OPTIMIZER_KINDS`. */
  name: OptimizerKind;
  /** Step size. */
  learningRate: number;
  /** Adam β₁ (default 0.9). */
  beta1?: number;
  /** Adam β₂ (default 0.999). */
  beta2?: number;
  /** RMSProp decay ρ (default 0.9, TF.js; PyTorch's alpha is 0.99). */
  decay?: number;
  /** Denominator epsilon (default: the backend's, 1e-7 for float32). */
  epsilon?: number;
}

/**
 * Builds a TF.js optimizer from a spec.
 *
 * @param spec The optimizer description.
 * @returns A new optimizer (dispose it when done).
 * @example
 * ```ts
 * import { createOptimizer } from "./optimizers.ts";
 * const opt = createOptimizer({ name: "adam", learningRate: 2e-4, beta1: 0.5, beta2: 0.999 });
 * ```
 */
export function createOptimizer(spec: OptimizerSpec): tf.Optimizer {
  if (!(spec.learningRate > 0) || !Number.isFinite(spec.learningRate)) {
    throw new Error(
      `optimizer learningRate must be a positive number, got ${spec.learningRate}`,
    );
  }
  if (!isOptimizerKind(spec.name)) {
    throw new Error(
      `unknown optimizer ${JSON.stringify(spec.name)} (accepted: ${
        OPTIMIZER_KINDS.join(", ")
      })`,
    );
  }
  switch (spec.name) {
    case "adam":
      return tf.train.adam(
        spec.learningRate,
        spec.beta1 ?? 0.9,
        spec.beta2 ?? 0.999,
        spec.epsilon,
      );
    case "rmsprop":
      return tf.train.rmsprop(
        spec.learningRate,
        spec.decay ?? 0.9,
        0, // momentum: not a setting (see OPTIMIZER_SETTINGS)
        spec.epsilon,
        false,
      );
  }
}

/** One optimizer state tensor, copied to the host. */
export interface OptimizerStateEntry {
  /** TF.js name (e.g. "iter", "G/dense0/kernel/m"), or {@linkcode ADAM_POWERS}'s. */
  name: string;
  /** Shape. */
  shape: number[];
  /** Values (float32). */
  values: Float32Array;
}

/**
 * Names of the entries that carry Adam's running powers β₁ᵗ⁺¹ and β₂ᵗ⁺¹
 * (TF.js's private `accBeta1`, `accBeta2`). TF.js's own `setWeights`
 * recomputes them as `pow(β, t + 1)`, which differs in the last bits from
 * the product the optimizer accumulated step by step; the bias correction
 * then differs and a resumed run drifts away from an uninterrupted one. So
 * they are saved and put back as they were.
 *
 * @example
 * ```ts
 * import { ADAM_POWERS } from "./optimizers.ts";
 * ADAM_POWERS; // ["accBeta1", "accBeta2"]
 * ```
 */
export const ADAM_POWERS = ["accBeta1", "accBeta2"] as const;

/** Adam's running powers, as TF.js keeps them (private fields). */
type AdamPowers = Record<typeof ADAM_POWERS[number], tf.Variable>;

/** The running powers of an Adam optimizer; null for other kinds. */
function adamPowers(optimizer: tf.Optimizer): AdamPowers | null {
  // Not `instanceof`: TF.js's Optimizer[Symbol.hasInstance] is duck-typed,
  // so every optimizer is an `instanceof tf.AdamOptimizer`.
  if (optimizer.getClassName() !== tf.AdamOptimizer.className) return null;
  const powers = optimizer as unknown as Partial<AdamPowers>;
  for (const name of ADAM_POWERS) {
    if (!(powers[name] instanceof tf.Variable)) {
      throw new Error(
        `Adam optimizer: TF.js no longer keeps '${name}'; resume cannot be exact`,
      );
    }
  }
  return powers as AdamPowers;
}

/**
 * Reads an optimizer's state (iteration count and per-variable slots, plus
 * Adam's running powers {@linkcode ADAM_POWERS}) to the host, for a
 * checkpoint. Every value is copied bit for bit.
 *
 * @param optimizer The optimizer.
 * @returns The state entries (empty before the first step).
 * @example
 * ```ts
 * import { createOptimizer, readOptimizerState } from "./optimizers.ts";
 * const state = await readOptimizerState(createOptimizer({ name: "adam", learningRate: 1e-3 }));
 * ```
 */
export async function readOptimizerState(
  optimizer: tf.Optimizer,
): Promise<OptimizerStateEntry[]> {
  const weights = await optimizer.getWeights();
  const out: OptimizerStateEntry[] = [];
  for (const w of weights) {
    const values = new Float32Array(await w.tensor.data());
    out.push({ name: w.name, shape: [...w.tensor.shape], values });
  }
  // getWeights() returns a fresh tensor for the iteration count only.
  const iter = weights.find((w) => w.name === "iter");
  iter?.tensor.dispose();
  const powers = adamPowers(optimizer);
  // Before the first step there is nothing to restore.
  if (powers && out.length > 1) {
    for (const name of ADAM_POWERS) {
      const values = new Float32Array(await powers[name].data());
      out.push({ name, shape: [], values });
    }
  }
  return out;
}

/**
 * Restores state read by {@linkcode readOptimizerState} into a new optimizer
 * of the same spec whose variables are registered in the same order. Adam's
 * running powers are put back as saved; state saved without them (older
 * checkpoints) leaves TF.js's recomputed `pow(β, t + 1)`, which is close but
 * not bit-exact.
 *
 * @param optimizer The optimizer to fill (fresh, same spec).
 * @param state The saved entries.
 * @throws Error When Adam's running powers are saved for another kind.
 * @example
 * ```ts
 * import { createOptimizer, readOptimizerState, writeOptimizerState } from "./optimizers.ts";
 * const a = createOptimizer({ name: "adam", learningRate: 1e-3 });
 * const b = createOptimizer({ name: "adam", learningRate: 1e-3 });
 * await writeOptimizerState(b, await readOptimizerState(a));
 * ```
 */
export async function writeOptimizerState(
  optimizer: tf.Optimizer,
  state: OptimizerStateEntry[],
): Promise<void> {
  const isPower = (e: OptimizerStateEntry) =>
    (ADAM_POWERS as readonly string[]).includes(e.name);
  const slots = state.filter((e) => !isPower(e));
  const saved = state.filter(isPower);
  if (slots.length === 0) return;
  const powers = adamPowers(optimizer);
  if (saved.length > 0 && !powers) {
    throw new Error(
      "optimizer state holds Adam's running powers but the optimizer is not Adam",
    );
  }
  const named = slots.map((e) => ({
    name: e.name,
    tensor: tf.tensor(e.values, e.shape, "float32"),
  }));
  // Slot values are copied into new variables by setWeights.
  await optimizer.setWeights(named);
  for (const n of named) n.tensor.dispose();
  for (const entry of saved) {
    const value = tf.scalar(entry.values[0], "float32");
    powers![entry.name as typeof ADAM_POWERS[number]].assign(value);
    value.dispose();
  }
}
