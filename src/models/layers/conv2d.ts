/**
 * 2-D convolution (NHWC, square kernel).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Init, ParamStore } from "./param_store.ts";

/** Options of {@linkcode Conv2D}. */
export interface Conv2DOptions {
  /** Kernel size (square). */
  kernel: number;
  /** Stride. */
  stride: number;
  /** Zero padding on every side (number) or "same"/"valid". */
  pad: number | "same" | "valid";
  /** Kernel initialiser (default N(0, 0.02), DCGAN). */
  kernelInit?: Init;
  /** Add a bias (default false, as PyTorch DCGAN). */
  bias?: boolean;
}

/** A convolution layer. */
export class Conv2D {
  /** Filter [k, k, in, out]. */
  readonly filter: tf.Variable;
  /** Bias [out] or null. */
  readonly bias: tf.Variable | null;

  /**
   * Creates the layer's variables.
   *
   * @param store Owner of the variables.
   * @param name Layer name.
   * @param inChannels Input channels.
   * @param outChannels Output channels.
   * @param options Geometry and initialiser.
   * @example
   * ```ts
   * import { ParamStore } from "./param_store.ts";
   * import { Conv2D } from "./conv2d.ts";
   * new Conv2D(new ParamStore("D", 1), "conv0", 3, 64, { kernel: 4, stride: 2, pad: 1 });
   * ```
   */
  constructor(
    store: ParamStore,
    name: string,
    readonly inChannels: number,
    readonly outChannels: number,
    readonly options: Conv2DOptions,
  ) {
    const k = options.kernel;
    this.filter = store.add(
      `${name}/kernel`,
      [k, k, inChannels, outChannels],
      options.kernelInit ?? { kind: "normal", mean: 0, std: 0.02 },
    );
    this.bias = options.bias
      ? store.add(`${name}/bias`, [outChannels], { kind: "constant", value: 0 })
      : null;
  }

  /**
   * Spatial output size for an input size.
   *
   * @param size Input height or width.
   * @returns Output height or width.
   */
  outSize(size: number): number {
    const { kernel: k, stride: s, pad } = this.options;
    if (pad === "same") return Math.ceil(size / s);
    const p = pad === "valid" ? 0 : pad;
    return Math.floor((size + 2 * p - k) / s) + 1;
  }

  /**
   * Runs the layer.
   *
   * @param x Input [N, H, W, in].
   * @returns Output [N, H', W', out].
   */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    const { stride, pad } = this.options;
    const y = tf.conv2d(x, this.filter as tf.Tensor4D, stride, pad);
    return this.bias ? tf.add(y, this.bias) as typeof y : y;
  }
}
