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
  /** TF.js name (e.g. "iter", "G/dense0/kernel/m"). */
  name: string;
  /** Shape. */
  shape: number[];
  /** Values (float32). */
  values: Float32Array;
}

/**
 * Reads an optimizer's state (iteration count and per-variable slots) to the
 * host, in the optimizer's own order, for a checkpoint.
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
  return out;
}

/**
 * Restores state read by {@linkcode readOptimizerState} into a new optimizer
 * of the same spec whose variables are registered in the same order.
 *
 * @param optimizer The optimizer to fill (fresh, same spec).
 * @param state The saved entries.
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
  if (state.length === 0) return;
  const named = state.map((e) => ({
    name: e.name,
    tensor: tf.tensor(e.values, e.shape, "float32"),
  }));
  // Slot values are copied into new variables by setWeights.
  await optimizer.setWeights(named);
  for (const n of named) n.tensor.dispose();
}
