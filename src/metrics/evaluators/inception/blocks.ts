/**
 * The building blocks of the FID Inception-v3 in TF.js ops (NHWC): a
 * `BasicConv2d` with its batch norm folded into the convolution's weights and
 * bias at load time, and the forward passes of the stem and of the Inception
 * blocks A–E exactly as pytorch-fid runs them (`FIDInceptionA/C/E_1` average
 * pools exclude the padding, `FIDInceptionE_2` max-pools).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { BN_EPS, type ConvSpec } from "./architecture.ts";
import { requireTensor, type StateDict } from "./state_dict.ts";

/** A `BasicConv2d` with batch norm folded in: ReLU(conv(x, filter) + bias). */
export interface FoldedConv {
  /** The layer it came from. */
  spec: ConvSpec;
  /** `[kh, kw, in, out]` (TF.js layout), scaled by γ/√(σ² + ε). */
  filter: tf.Tensor4D;
  /** β − μ·γ/√(σ² + ε). */
  bias: tf.Tensor1D;
}

/**
 * Folds one `BasicConv2d` of a state dict into a TF.js convolution.
 *
 * @param weights The state dict (PyTorch keys and layouts).
 * @param spec The layer.
 * @param where What the dict is, for error messages.
 * @returns Filter and bias tensors (the caller disposes them).
 * @throws {Error} When a key is missing or mis-shaped.
 * @example
 * ```ts
 * import { foldConv } from "./blocks.ts";
 * import { FID_INCEPTION_CONVS } from "./architecture.ts";
 * import { formulaStateDict } from "./formula_weights.ts";
 * const conv = foldConv(formulaStateDict(), FID_INCEPTION_CONVS[0]);
 * conv.filter.shape; // [3, 3, 3, 32]
 * ```
 */
export function foldConv(
  weights: StateDict,
  spec: ConvSpec,
  where?: string,
): FoldedConv {
  const { name, inChannels: ci, outChannels: co } = spec;
  const [kh, kw] = spec.kernel;
  const w = requireTensor(
    weights,
    `${name}.conv.weight`,
    [co, ci, kh, kw],
    where,
  );
  const gamma = requireTensor(weights, `${name}.bn.weight`, [co], where);
  const beta = requireTensor(weights, `${name}.bn.bias`, [co], where);
  const mean = requireTensor(weights, `${name}.bn.running_mean`, [co], where);
  const variance = requireTensor(
    weights,
    `${name}.bn.running_var`,
    [co],
    where,
  );
  const scale = new Float64Array(co);
  const bias = new Float32Array(co);
  for (let o = 0; o < co; o++) {
    // Math.fround: the BN of PyTorch computes √(σ² + ε) in float32.
    scale[o] = gamma[o] /
      Math.fround(Math.sqrt(Math.fround(variance[o] + BN_EPS)));
    bias[o] = beta[o] - mean[o] * scale[o];
  }
  // [out, in, kh, kw] → [kh, kw, in, out].
  const filter = new Float32Array(w.length);
  for (let o = 0; o < co; o++) {
    for (let i = 0; i < ci; i++) {
      for (let y = 0; y < kh; y++) {
        for (let x = 0; x < kw; x++) {
          filter[((y * kw + x) * ci + i) * co + o] =
            w[((o * ci + i) * kh + y) * kw + x] * scale[o];
        }
      }
    }
  }
  return {
    spec,
    filter: tf.tensor4d(filter, [kh, kw, ci, co]),
    bias: tf.tensor1d(bias),
  };
}

/** Folded convolutions by state-dict prefix. */
export type ConvTable = Map<string, FoldedConv>;

/**
 * Runs one folded `BasicConv2d`: fused convolution + bias + ReLU.
 *
 * @param convs The folded layers.
 * @param name The layer's state-dict prefix.
 * @param x NHWC input.
 * @returns NHWC output.
 * @example
 * ```ts ignore
 * const y = basicConv(convs, "Conv2d_1a_3x3", x);
 * ```
 */
export function basicConv(
  convs: ConvTable,
  name: string,
  x: tf.Tensor4D,
): tf.Tensor4D {
  const c = convs.get(name);
  if (c === undefined) throw new Error(`Inception network: no layer "${name}"`);
  return tf.fused.conv2d({
    x,
    filter: c.filter,
    strides: c.spec.stride,
    pad: c.spec.padding,
    bias: c.bias,
    activation: "relu",
  });
}

/**
 * 3×3 stride-1 average pool padded by 1 that divides by the number of
 * in-image pixels (PyTorch `count_include_pad=False`; TF.js `same` pooling
 * already excludes the padding).
 */
function avgPool3(x: tf.Tensor4D): tf.Tensor4D {
  return tf.avgPool(x, 3, 1, "same");
}

/**
 * The stem, `Conv2d_1a_3x3` … `MaxPool_2`: 299×299×3 → 35×35×192.
 *
 * @param convs The folded layers.
 * @param x `[N, 299, 299, 3]` in the network's input range.
 * @returns `[N, 35, 35, 192]`.
 * @example
 * ```ts ignore
 * const y = stem(convs, x);
 * ```
 */
export function stem(convs: ConvTable, x: tf.Tensor4D): tf.Tensor4D {
  let y = basicConv(convs, "Conv2d_1a_3x3", x);
  y = basicConv(convs, "Conv2d_2a_3x3", y);
  y = basicConv(convs, "Conv2d_2b_3x3", y);
  y = tf.maxPool(y, 3, 2, "valid");
  y = basicConv(convs, "Conv2d_3b_1x1", y);
  y = basicConv(convs, "Conv2d_4a_3x3", y);
  return tf.maxPool(y, 3, 2, "valid");
}

/**
 * `FIDInceptionA` (Mixed_5b/5c/5d).
 *
 * @param convs The folded layers.
 * @param p The block's prefix, e.g. `Mixed_5b`.
 * @param x NHWC input.
 * @returns NHWC output: [1×1, 5×5, 3×3dbl, pool] concatenated.
 * @example
 * ```ts ignore
 * const y = inceptionA(convs, "Mixed_5b", x);
 * ```
 */
export function inceptionA(
  convs: ConvTable,
  p: string,
  x: tf.Tensor4D,
): tf.Tensor4D {
  const c = (n: string, t: tf.Tensor4D) => basicConv(convs, `${p}.${n}`, t);
  const b1 = c("branch1x1", x);
  const b5 = c("branch5x5_2", c("branch5x5_1", x));
  const b3 = c("branch3x3dbl_3", c("branch3x3dbl_2", c("branch3x3dbl_1", x)));
  const bp = c("branch_pool", avgPool3(x));
  return tf.concat([b1, b5, b3, bp], 3);
}

/**
 * `InceptionB` (Mixed_6a), the first grid reduction.
 *
 * @param convs The folded layers.
 * @param p The block's prefix.
 * @param x NHWC input.
 * @returns NHWC output: [3×3, 3×3dbl, max pool] concatenated.
 * @example
 * ```ts ignore
 * const y = inceptionB(convs, "Mixed_6a", x);
 * ```
 */
export function inceptionB(
  convs: ConvTable,
  p: string,
  x: tf.Tensor4D,
): tf.Tensor4D {
  const c = (n: string, t: tf.Tensor4D) => basicConv(convs, `${p}.${n}`, t);
  const b3 = c("branch3x3", x);
  const bd = c("branch3x3dbl_3", c("branch3x3dbl_2", c("branch3x3dbl_1", x)));
  const bp = tf.maxPool(x, 3, 2, "valid");
  return tf.concat([b3, bd, bp], 3);
}

/**
 * `FIDInceptionC` (Mixed_6b … 6e).
 *
 * @param convs The folded layers.
 * @param p The block's prefix.
 * @param x NHWC input.
 * @returns NHWC output: [1×1, 7×7, 7×7dbl, pool] concatenated.
 * @example
 * ```ts ignore
 * const y = inceptionC(convs, "Mixed_6b", x);
 * ```
 */
export function inceptionC(
  convs: ConvTable,
  p: string,
  x: tf.Tensor4D,
): tf.Tensor4D {
  const c = (n: string, t: tf.Tensor4D) => basicConv(convs, `${p}.${n}`, t);
  const b1 = c("branch1x1", x);
  let b7 = c("branch7x7_1", x);
  b7 = c("branch7x7_3", c("branch7x7_2", b7));
  let bd = c("branch7x7dbl_1", x);
  for (const n of [2, 3, 4, 5]) bd = c(`branch7x7dbl_${n}`, bd);
  const bp = c("branch_pool", avgPool3(x));
  return tf.concat([b1, b7, bd, bp], 3);
}

/**
 * `InceptionD` (Mixed_7a), the second grid reduction.
 *
 * @param convs The folded layers.
 * @param p The block's prefix.
 * @param x NHWC input.
 * @returns NHWC output: [3×3, 7×7×3, max pool] concatenated.
 * @example
 * ```ts ignore
 * const y = inceptionD(convs, "Mixed_7a", x);
 * ```
 */
export function inceptionD(
  convs: ConvTable,
  p: string,
  x: tf.Tensor4D,
): tf.Tensor4D {
  const c = (n: string, t: tf.Tensor4D) => basicConv(convs, `${p}.${n}`, t);
  const b3 = c("branch3x3_2", c("branch3x3_1", x));
  let b7 = c("branch7x7x3_1", x);
  for (const n of [2, 3, 4]) b7 = c(`branch7x7x3_${n}`, b7);
  const bp = tf.maxPool(x, 3, 2, "valid");
  return tf.concat([b3, b7, bp], 3);
}

/**
 * `FIDInceptionE_1` (Mixed_7b, average pool without padding) or
 * `FIDInceptionE_2` (Mixed_7c, 3×3 stride-1 max pool).
 *
 * @param convs The folded layers.
 * @param p The block's prefix.
 * @param x NHWC input.
 * @param pool `avg` for E_1, `max` for E_2.
 * @returns NHWC output: [1×1, 3×3 (a, b), 3×3dbl (a, b), pool] concatenated.
 * @example
 * ```ts ignore
 * const y = inceptionE(convs, "Mixed_7c", x, "max");
 * ```
 */
export function inceptionE(
  convs: ConvTable,
  p: string,
  x: tf.Tensor4D,
  pool: "avg" | "max",
): tf.Tensor4D {
  const c = (n: string, t: tf.Tensor4D) => basicConv(convs, `${p}.${n}`, t);
  const b1 = c("branch1x1", x);
  const b3 = c("branch3x3_1", x);
  const b3a = c("branch3x3_2a", b3);
  const b3b = c("branch3x3_2b", b3);
  const bd = c("branch3x3dbl_2", c("branch3x3dbl_1", x));
  const bda = c("branch3x3dbl_3a", bd);
  const bdb = c("branch3x3dbl_3b", bd);
  const pooled = pool === "avg" ? avgPool3(x) : tf.maxPool(x, 3, 1, "same");
  const bp = c("branch_pool", pooled);
  return tf.concat([b1, b3a, b3b, bda, bdb, bp], 3);
}
