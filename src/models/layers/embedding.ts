/**
 * Label embedding: a trainable table [numClasses, dim] looked up by int32
 * labels.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Init, ParamStore } from "./param_store.ts";

/** An embedding table. */
export class Embedding {
  /** Table [numClasses, dim]. */
  readonly table: tf.Variable;

  /**
   * Creates the layer's variables.
   *
   * @param store Owner of the variables.
   * @param name Layer name.
   * @param numClasses Rows.
   * @param dim Embedding length.
   * @param init Initialiser (default U(−0.05, 0.05), as Keras).
   * @example
   * ```ts
   * import { ParamStore } from "./param_store.ts";
   * import { Embedding } from "./embedding.ts";
   * const e = new Embedding(new ParamStore("G", 1), "embed", 10, 10);
   * ```
   */
  constructor(
    store: ParamStore,
    name: string,
    readonly numClasses: number,
    readonly dim: number,
    init: Init = { kind: "uniform", min: -0.05, max: 0.05 },
  ) {
    this.table = store.add(`${name}/embeddings`, [numClasses, dim], init);
  }

  /**
   * Looks the labels up.
   *
   * @param labels Int32 labels [N] in 0 … numClasses−1.
   * @returns Embeddings [N, dim].
   */
  apply(labels: tf.Tensor1D): tf.Tensor2D {
    return tf.gather(this.table, labels) as tf.Tensor2D;
  }
}
