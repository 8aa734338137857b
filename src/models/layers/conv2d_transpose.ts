/**
 * Transposed 2-D convolution (NHWC, square kernel), as used by DCGAN's
 * generator.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Init, ParamStore } from "./param_store.ts";

/** Options of {@linkcode Conv2DTranspose}. */
export interface Conv2DTransposeOptions {
  /** Kernel size (square). */
  kernel: number;
  /** Stride. */
  stride: number;
  /** "same" (output = input·stride) or "valid" (output = (input−1)·stride + kernel). */
  pad: "same" | "valid";
  /** Kernel initialiser (default N(0, 0.02)). */
  kernelInit?: Init;
  /** Add a bias (default false). */
  bias?: boolean;
}

/** A transposed convolution layer. */
export class Conv2DTranspose {
  /** Filter [k, k, out, in] (TF.js layout). */
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
   * import { Conv2DTranspose } from "./conv2d_transpose.ts";
   * new Conv2DTranspose(new ParamStore("G", 1), "convT0", 100, 256, { kernel: 4, stride: 1, pad: "valid" });
   * ```
   */
  constructor(
    store: ParamStore,
    name: string,
    readonly inChannels: number,
    readonly outChannels: number,
    readonly options: Conv2DTransposeOptions,
  ) {
    const k = options.kernel;
    this.filter = store.add(
      `${name}/kernel`,
      [k, k, outChannels, inChannels],
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
    const { kernel, stride, pad } = this.options;
    return pad === "same" ? size * stride : (size - 1) * stride + kernel;
  }

  /**
   * Runs the layer.
   *
   * @param x Input [N, H, W, in].
   * @returns Output [N, H', W', out].
   */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    const [n, h, w] = x.shape;
    const y = tf.conv2dTranspose(
      x,
      this.filter as tf.Tensor4D,
      [n, this.outSize(h), this.outSize(w), this.outChannels],
      this.options.stride,
      this.options.pad,
    );
    return this.bias ? tf.add(y, this.bias) as typeof y : y;
  }
}
