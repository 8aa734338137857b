/**
 * Fully connected layer y = xW + b.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Init, ParamStore } from "./param_store.ts";

/** Options of {@linkcode Dense}. */
export interface DenseOptions {
  /** Kernel initialiser (default Glorot uniform, as Keras). */
  kernelInit?: Init;
  /** Add a bias (default true, initialised to 0). */
  bias?: boolean;
}

/** A dense layer whose parameters live in a {@linkcode ParamStore}. */
export class Dense {
  /** Kernel [in, out]. */
  readonly kernel: tf.Variable;
  /** Bias [out] or null. */
  readonly bias: tf.Variable | null;

  /**
   * Creates the layer's variables.
   *
   * @param store Owner of the variables.
   * @param name Layer name, e.g. "dense0".
   * @param inUnits Input features.
   * @param outUnits Output features.
   * @param options Initialisers.
   * @example
   * ```ts
   * import { ParamStore } from "./param_store.ts";
   * import { Dense } from "./dense.ts";
   * const d = new Dense(new ParamStore("D", 1), "dense0", 4, 2);
   * ```
   */
  constructor(
    store: ParamStore,
    name: string,
    readonly inUnits: number,
    readonly outUnits: number,
    options: DenseOptions = {},
  ) {
    const init = options.kernelInit ??
      { kind: "glorotUniform", fanIn: inUnits, fanOut: outUnits };
    this.kernel = store.add(`${name}/kernel`, [inUnits, outUnits], init);
    this.bias = options.bias === false
      ? null
      : store.add(`${name}/bias`, [outUnits], { kind: "constant", value: 0 });
  }

  /**
   * Runs the layer.
   *
   * @param x Input [N, in].
   * @returns Output [N, out].
   */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    const y: tf.Tensor2D = tf.matMul(x, this.kernel as tf.Tensor2D);
    return this.bias ? tf.add(y, this.bias) as typeof y : y;
  }
}
