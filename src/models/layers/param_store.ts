/**
 * A container that creates a model's named, seeded `tf.Variable`s and tracks
 * which are trainable (parameters) and which are not (BatchNorm moving
 * statistics). Every initialiser draws from its own integer seed derived from
 * the model seed and the variable's creation index, so the same model seed
 * always gives identical weights.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Module } from "../types.ts";

/**
 * Derives a 31-bit integer seed from a base seed and integer parts (a small
 * avalanche hash: different parts give unrelated seeds).
 *
 * @param base The base seed.
 * @param parts Further integers (layer index, step, stream id …).
 * @returns A non-negative integer below 2³¹.
 * @example
 * ```ts
 * import { deriveSeed } from "./param_store.ts";
 * deriveSeed(42, 3) === deriveSeed(42, 3); // true
 * ```
 */
export function deriveSeed(base: number, ...parts: number[]): number {
  let h = (Math.trunc(base) ^ 0x9e3779b9) >>> 0;
  for (const p of [...parts, parts.length]) {
    h = Math.imul(h ^ (Math.trunc(p) >>> 0), 0x85ebca6b) >>> 0;
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35) >>> 0;
    h ^= h >>> 16;
  }
  return h & 0x7fffffff;
}

/** Initialiser of a variable. */
export type Init =
  | { kind: "normal"; mean: number; std: number }
  | { kind: "truncatedNormal"; mean: number; std: number }
  | { kind: "uniform"; min: number; max: number }
  | { kind: "glorotUniform"; fanIn: number; fanOut: number }
  | { kind: "constant"; value: number };

/** Creates and owns the variables of one module (G or D). */
export class ParamStore implements Module {
  /** All variables in creation order. */
  readonly variables: tf.Variable[] = [];
  /** Trainable subset. */
  readonly trainableVariables: tf.Variable[] = [];
  /** Stable keys, parallel to `variables`. */
  readonly keys: string[] = [];
  #count = 0;

  /**
   * Creates an empty store.
   *
   * @param prefix Key prefix of this module, e.g. "G" or "D".
   * @param seed Model seed.
   * @param scope Prefix of the TF.js variable names (not part of the keys).
   */
  constructor(
    readonly prefix: string,
    readonly seed: number,
    readonly scope = "",
  ) {}

  /**
   * Creates a variable.
   *
   * @param key Name within this module, e.g. "dense0/kernel".
   * @param shape Variable shape.
   * @param init Initialiser.
   * @param trainable Whether optimizers update it.
   * @returns The new variable (named `<scope><prefix>/<key>`).
   */
  add(
    key: string,
    shape: number[],
    init: Init,
    trainable = true,
  ): tf.Variable {
    const fullKey = `${this.prefix}/${key}`;
    if (this.keys.includes(fullKey)) {
      throw new Error(`param_store: duplicate variable key ${fullKey}`);
    }
    const seed = deriveSeed(this.seed, this.prefix.charCodeAt(0), this.#count);
    this.#count++;
    const v = tf.tidy(() => {
      const t = initialValue(shape, init, seed);
      return tf.variable(t, trainable, `${this.scope}${fullKey}`, "float32");
    });
    this.variables.push(v);
    this.keys.push(fullKey);
    if (trainable) this.trainableVariables.push(v);
    return v;
  }

  /**
   * Number of trainable scalars.
   *
   * @returns The parameter count.
   */
  parameterCount(): number {
    return this.trainableVariables.reduce((n, v) => n + v.size, 0);
  }

  /** Disposes every variable. */
  dispose(): void {
    for (const v of this.variables) v.dispose();
    this.variables.length = 0;
    this.trainableVariables.length = 0;
    this.keys.length = 0;
  }
}

function initialValue(shape: number[], init: Init, seed: number): tf.Tensor {
  switch (init.kind) {
    case "normal":
      return tf.randomNormal(shape, init.mean, init.std, "float32", seed);
    case "truncatedNormal":
      return tf.truncatedNormal(shape, init.mean, init.std, "float32", seed);
    case "uniform":
      return tf.randomUniform(shape, init.min, init.max, "float32", seed);
    case "glorotUniform": {
      const limit = Math.sqrt(6 / (init.fanIn + init.fanOut));
      return tf.randomUniform(shape, -limit, limit, "float32", seed);
    }
    case "constant":
      return tf.fill(shape, init.value, "float32");
  }
}
