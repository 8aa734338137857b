/**
 * pytorch-fid's FID Inception-v3 (`fid_inception_v3`, the network of the
 * 2015-12-05 TensorFlow graph that published FID and IS numbers use) in TF.js
 * ops, NHWC, with its weights read from a PyTorch state dict and batch norm
 * folded into the convolutions at load time. It outputs the 2048-d pool3
 * features, the 1008 logits and the logits without the fc bias (what
 * torch-fidelity's Inception Score uses).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import {
  FEATURE_DIM,
  FID_INCEPTION_CONVS,
  fidInceptionParameterShapes,
  INPUT_SIZE,
  NUM_CLASSES,
} from "./architecture.ts";
import {
  type ConvTable,
  foldConv,
  inceptionA,
  inceptionB,
  inceptionC,
  inceptionD,
  inceptionE,
  stem,
} from "./blocks.ts";
import { requireTensor, type StateDict } from "./state_dict.ts";

/** The three outputs of one forward pass. */
export interface InceptionOutputs {
  /** Pool3 features `[N, 2048]` (FID, KID). */
  pool3: tf.Tensor2D;
  /** `fc(pool3)`, `[N, 1008]`. */
  logits: tf.Tensor2D;
  /** `pool3 · fcᵀ` without the bias, `[N, 1008]` (torch-fidelity's IS). */
  logitsUnbiased: tf.Tensor2D;
}

/** The FID Inception-v3 with folded weights, ready to run. */
export class FidInceptionV3 {
  readonly #convs: ConvTable;
  /** `fc.weight` transposed, `[2048, 1008]`. */
  readonly #fcKernel: tf.Tensor2D;
  readonly #fcBias: tf.Tensor1D;
  #disposed = false;

  private constructor(
    convs: ConvTable,
    fcKernel: tf.Tensor2D,
    fcBias: tf.Tensor1D,
  ) {
    this.#convs = convs;
    this.#fcKernel = fcKernel;
    this.#fcBias = fcBias;
  }

  /**
   * Builds the network from a state dict with pytorch-fid's keys (extra keys
   * such as `num_batches_tracked` are ignored).
   *
   * @param weights Key → `{shape, data}` (PyTorch layouts).
   * @param where What the weights are (e.g. the file path), for errors.
   * @returns The network; dispose it when done.
   * @throws {Error} One line naming the first missing or mis-shaped key.
   * @example
   * ```ts
   * import { FidInceptionV3 } from "./network.ts";
   * import { formulaStateDict } from "./formula_weights.ts";
   * const net = FidInceptionV3.fromStateDict(formulaStateDict());
   * net.dispose();
   * ```
   */
  static fromStateDict(weights: StateDict, where?: string): FidInceptionV3 {
    // Check every key before folding anything: errors come at once.
    for (const [name, shape] of fidInceptionParameterShapes()) {
      requireTensor(weights, name, shape, where);
    }
    const fcW = requireTensor(
      weights,
      "fc.weight",
      [NUM_CLASSES, FEATURE_DIM],
      where,
    );
    const fcB = requireTensor(weights, "fc.bias", [NUM_CLASSES], where);
    const convs: ConvTable = new Map();
    try {
      for (const spec of FID_INCEPTION_CONVS) {
        convs.set(spec.name, foldConv(weights, spec, where));
      }
    } catch (e) {
      for (const c of convs.values()) tf.dispose([c.filter, c.bias]);
      throw e;
    }
    const kernel = new Float32Array(FEATURE_DIM * NUM_CLASSES);
    for (let o = 0; o < NUM_CLASSES; o++) {
      for (let i = 0; i < FEATURE_DIM; i++) {
        kernel[i * NUM_CLASSES + o] = fcW[o * FEATURE_DIM + i];
      }
    }
    return new FidInceptionV3(
      convs,
      tf.tensor2d(kernel, [FEATURE_DIM, NUM_CLASSES]),
      tf.tensor1d(fcB),
    );
  }

  /**
   * Pool3 features of prepared images (see `prepareInceptionInput`).
   *
   * @param x `[N, 299, 299, 3]` in the network's input range (≈ [−1, 1]).
   * @returns `[N, 2048]`.
   * @throws {Error} On another input shape, or after dispose.
   * @example
   * ```ts ignore
   * const f = net.pool3(tf.zeros([1, 299, 299, 3]));
   * ```
   */
  pool3(x: tf.Tensor4D): tf.Tensor2D {
    this.#check(x);
    const convs = this.#convs;
    return tf.tidy(() => {
      let y = stem(convs, x);
      y = inceptionA(convs, "Mixed_5b", y);
      y = inceptionA(convs, "Mixed_5c", y);
      y = inceptionA(convs, "Mixed_5d", y);
      y = inceptionB(convs, "Mixed_6a", y);
      for (const b of ["Mixed_6b", "Mixed_6c", "Mixed_6d", "Mixed_6e"]) {
        y = inceptionC(convs, b, y);
      }
      y = inceptionD(convs, "Mixed_7a", y);
      y = inceptionE(convs, "Mixed_7b", y, "avg");
      y = inceptionE(convs, "Mixed_7c", y, "max");
      return tf.mean(y, [1, 2]) as tf.Tensor2D;
    });
  }

  /**
   * Logits of pool3 features.
   *
   * @param pool3 `[N, 2048]`.
   * @param withBias `false` for torch-fidelity's `logits_unbiased`.
   * @returns `[N, 1008]`.
   * @example
   * ```ts ignore
   * const logits = net.logits(net.pool3(x));
   * ```
   */
  logits(pool3: tf.Tensor2D, withBias = true): tf.Tensor2D {
    return tf.tidy((): tf.Tensor2D => {
      const z = tf.matMul(pool3, this.#fcKernel) as tf.Tensor2D;
      return withBias ? tf.add(z, this.#fcBias) as tf.Tensor2D : z;
    });
  }

  /**
   * All three outputs in one pass.
   *
   * @param x `[N, 299, 299, 3]` in the network's input range.
   * @returns Pool3 features, logits and unbiased logits.
   * @example
   * ```ts ignore
   * const { pool3, logits, logitsUnbiased } = net.forward(x);
   * ```
   */
  forward(x: tf.Tensor4D): InceptionOutputs {
    const pool3 = this.pool3(x);
    const logitsUnbiased = this.logits(pool3, false);
    const logits = tf.tidy(() =>
      tf.add(logitsUnbiased, this.#fcBias) as tf.Tensor2D
    );
    return { pool3, logits, logitsUnbiased };
  }

  /** Releases the weights; the network cannot run afterwards. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const c of this.#convs.values()) tf.dispose([c.filter, c.bias]);
    tf.dispose([this.#fcKernel, this.#fcBias]);
  }

  #check(x: tf.Tensor4D): void {
    if (this.#disposed) throw new Error("Inception network: already disposed");
    const [, h, w, c] = x.shape;
    if (x.rank !== 4 || h !== INPUT_SIZE || w !== INPUT_SIZE || c !== 3) {
      throw new Error(
        `Inception network: input must be [N, ${INPUT_SIZE}, ${INPUT_SIZE}, 3], got [${x.shape}]`,
      );
    }
  }
}
