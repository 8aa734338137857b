/**
 * The convolution gradients the TF.js wasm backend lacks or runs slowly,
 * built from its fast kernels:
 *
 * - the weight gradient (`Conv2DBackpropFilter`) as one dilated `conv2d`:
 *   dW[i,j,c,o] = Σ_{n,y,x} xpad[n, y·s+i, x·s+j, c] · dy[n,y,x,o] is a
 *   convolution of xpadᵀ ([C, H, W, N]) with dy ([oh, ow, N, O]) used as the
 *   filter at dilation s;
 * - the input gradient (`Conv2DBackpropInput`, the forward pass of
 *   `conv2dTranspose`) by sub-pixel decomposition, a matrix product for a
 *   1×1 dy, or a stride-1 correlation of the zero-dilated dy with the
 *   flipped filter.
 *
 * `wasm_kernels.ts` registers them as kernels.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/** A convolution's padding attribute. */
export type Pad = "same" | "valid" | number | tf.backend_util.ExplicitPadding;

/** Attributes shared by the two convolution-gradient kernels. */
export interface ConvGradAttrs {
  /** Stride (one for both axes, or [rows, columns]). */
  strides: [number, number] | number;
  /** Padding. */
  pad: Pad;
  /** Tensor layout. */
  dataFormat: "NHWC" | "NCHW";
  /** Rounding of output sizes for numeric padding. */
  dimRoundingMode?: "floor" | "round" | "ceil";
}

/**
 * The weight gradient of a 2-D convolution (dilations 1), computed with one
 * dilated `conv2d` on the current backend.
 *
 * @param x The convolution input, NHWC (or NCHW when `dataFormat` says so).
 * @param dy The gradient of the convolution output, same layout.
 * @param filterShape [kh, kw, inChannels, outChannels].
 * @param attrs strides, pad ('same' | 'valid' | number | explicit), dataFormat, dimRoundingMode.
 * @returns dW with shape `filterShape`.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { conv2dBackpropFilterViaConv } from "./wasm_conv_grads.ts";
 * const x = tf.randomNormal([8, 32, 32, 3]) as tf.Tensor4D;
 * const dy = tf.randomNormal([8, 16, 16, 64]) as tf.Tensor4D;
 * const dw = conv2dBackpropFilterViaConv(x, dy, [4, 4, 3, 64], { strides: 2, pad: "same", dataFormat: "NHWC" });
 * dw.shape; // [4, 4, 3, 64]
 * ```
 */
export function conv2dBackpropFilterViaConv(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  attrs: ConvGradAttrs,
): tf.Tensor4D {
  return tf.tidy(() => {
    const nchw = attrs.dataFormat === "NCHW";
    const xs = nchw ? tf.transpose(x, [0, 2, 3, 1]) : x;
    const dys = nchw ? tf.transpose(dy, [0, 2, 3, 1]) : dy;
    const info = tf.backend_util.computeConv2DInfo(
      xs.shape,
      filterShape,
      attrs.strides,
      1,
      attrs.pad,
      attrs.dimRoundingMode,
      false,
      "channelsLast",
    );
    const { top, bottom, left, right } = info.padInfo;
    const [kh, kw] = filterShape;
    // A negative pad (never produced by computeConv2DInfo) would need a slice.
    const xp = top || bottom || left || right
      ? tf.pad(xs, [[0, 0], [Math.max(top, 0), Math.max(bottom, 0)], [
        Math.max(left, 0),
        Math.max(right, 0),
      ], [0, 0]])
      : xs;
    const xt = tf.transpose(xp, [3, 1, 2, 0]) as tf.Tensor4D; // [C, Hp, Wp, N]
    const ft = tf.transpose(dys, [1, 2, 0, 3]) as tf.Tensor4D; // [oh, ow, N, O]
    const r = tf.conv2d(xt, ft, 1, "valid", "NHWC", [
      info.strideHeight,
      info.strideWidth,
    ]);
    const s = r.shape[1] === kh && r.shape[2] === kw
      ? r
      : tf.slice(r, [0, 0, 0, 0], [-1, kh, kw, -1]);
    return tf.transpose(s, [1, 2, 0, 3]) as tf.Tensor4D;
  });
}

/**
 * The input gradient of a 2-D convolution (= the forward pass of
 * `conv2dTranspose`), computed as a stride-1 `conv2d` of the zero-dilated `dy`
 * with the flipped filter.
 *
 * @param dy The gradient of the convolution output, NHWC (or NCHW).
 * @param filter [kh, kw, inChannels, outChannels].
 * @param inputShape The convolution input shape, in `dataFormat` layout.
 * @param attrs strides, pad, dataFormat, dimRoundingMode.
 * @returns dx with shape `inputShape`.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { conv2dBackpropInputViaConv } from "./wasm_conv_grads.ts";
 * const dy = tf.randomNormal([8, 16, 16, 64]) as tf.Tensor4D;
 * const w = tf.randomNormal([4, 4, 3, 64]) as tf.Tensor4D;
 * const dx = conv2dBackpropInputViaConv(dy, w, [8, 32, 32, 3], { strides: 2, pad: "same", dataFormat: "NHWC" });
 * dx.shape; // [8, 32, 32, 3]
 * ```
 */
export function conv2dBackpropInputViaConv(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  inputShape: [number, number, number, number],
  attrs: ConvGradAttrs,
): tf.Tensor4D {
  return tf.tidy(() => {
    const nchw = attrs.dataFormat === "NCHW";
    const shape: [number, number, number, number] = nchw
      ? [inputShape[0], inputShape[2], inputShape[3], inputShape[1]]
      : inputShape;
    let d = (nchw ? tf.transpose(dy, [0, 2, 3, 1]) : dy) as tf.Tensor4D;
    const info = tf.backend_util.computeConv2DInfo(
      shape,
      filter.shape,
      attrs.strides,
      1,
      attrs.pad,
      attrs.dimRoundingMode,
      false,
      "channelsLast",
    );
    const fast = backpropInputFromVector(d, filter, shape, info) ??
      backpropInputSubPixel(d, filter, shape, info);
    if (fast !== null) {
      return (nchw ? tf.transpose(fast, [0, 3, 1, 2]) : fast) as tf.Tensor4D;
    }
    const [n, oh, ow, co] = d.shape;
    const sh = info.strideHeight, sw = info.strideWidth;
    const kh = info.filterHeight, kw = info.filterWidth;
    if (sh > 1 || sw > 1) {
      const r = tf.reshape(d, [n, oh, 1, ow, 1, co]);
      const p = tf.pad(r, [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [
        0,
        0,
      ]]);
      const full = tf.reshape(p, [n, oh * sh, ow * sw, co]) as tf.Tensor4D;
      d = tf.slice(full, [0, 0, 0, 0], [
        n,
        (oh - 1) * sh + 1,
        (ow - 1) * sw + 1,
        co,
      ]);
    }
    const [, h, w] = shape;
    const pt = kh - 1 - info.padInfo.top, pl = kw - 1 - info.padInfo.left;
    const pb = h + kh - 1 - d.shape[1] - pt, pr = w + kw - 1 - d.shape[2] - pl;
    if (pt || pb || pl || pr) {
      d = tf.pad(d, [[0, 0], [Math.max(pt, 0), Math.max(pb, 0)], [
        Math.max(pl, 0),
        Math.max(pr, 0),
      ], [0, 0]]);
    }
    if (pt < 0 || pb < 0 || pl < 0 || pr < 0) {
      d = tf.slice(d, [0, Math.max(-pt, 0), Math.max(-pl, 0), 0], [
        n,
        h + kh - 1,
        w + kw - 1,
        co,
      ]);
    }
    const wf = tf.transpose(tf.reverse(filter, [0, 1]), [
      0,
      1,
      3,
      2,
    ]) as tf.Tensor4D;
    const dx = tf.conv2d(d, wf, 1, "valid");
    return (nchw ? tf.transpose(dx, [0, 3, 1, 2]) : dx) as tf.Tensor4D;
  });
}

/** One spatial axis of a sub-pixel decomposition. */
interface AxisPlan {
  /** Stride. */
  s: number;
  /** Taps per phase (kernel / stride). */
  T: number;
  /** Per output phase ρ (dx index mod s): kernel phase r, explicit pads. */
  phases: { r: number; before: number; after: number }[];
}

function planAxis(
  k: number,
  s: number,
  pad: number,
  dxSize: number,
  dySize: number,
): AxisPlan | null {
  if (k % s !== 0 || dxSize % s !== 0) return null;
  const T = k / s;
  const phases = [];
  for (let rho = 0; rho < s; rho++) {
    const r = (rho + pad) % s;
    const q0 = Math.floor((rho + pad) / s);
    const before = T - 1 - q0;
    const after = dxSize / s - dySize + q0;
    if (before < 0 || after < 0) return null;
    phases.push({ r, before, after });
  }
  return { s, T, phases };
}

/**
 * The input gradient of a strided convolution by sub-pixel decomposition:
 * dx at rows ≡ ρ (mod s) is a stride-1 correlation of the (un-dilated) dy
 * with the taps r, r+s, … (flipped) of the filter, r = (ρ + pad) mod s. The
 * s² phase results are interleaved. No multiplications by inserted zeros
 * (the dilation approach does s² times the work). Needs kernel and dx size
 * divisible by the stride and non-negative phase pads; returns null otherwise.
 */
function backpropInputSubPixel(
  d: tf.Tensor4D,
  filter: tf.Tensor4D,
  shape: [number, number, number, number],
  info: tf.backend_util.Conv2DInfo,
): tf.Tensor4D | null {
  const [n, h, w, cin] = shape;
  const [, dh, dw, cout] = d.shape;
  const kh = info.filterHeight, kw = info.filterWidth;
  const ph = planAxis(kh, info.strideHeight, info.padInfo.top, h, dh);
  const pw = planAxis(kw, info.strideWidth, info.padInfo.left, w, dw);
  if (ph === null || pw === null) return null;
  // Phase kernels, flipped and with in/out channels swapped, built on the
  // host (wasm memory is host memory; wasm's Gather/Reverse kernels are
  // per-element loops, ~10× slower than this copy).
  const wv = filter.dataSync() as Float32Array;
  const per = ph.T * pw.T * cout * cin;
  const taps = new Float32Array(ph.s * pw.s * per);
  let o = 0;
  for (const a of ph.phases) {
    for (const b of pw.phases) {
      for (let jh = 0; jh < ph.T; jh++) {
        const i = a.r + ph.s * (ph.T - 1 - jh);
        for (let jw = 0; jw < pw.T; jw++) {
          const j = b.r + pw.s * (pw.T - 1 - jw);
          const base = (i * kw + j) * cin * cout;
          for (let co = 0; co < cout; co++) {
            for (let ci = 0; ci < cin; ci++) {
              taps[o++] = wv[base + ci * cout + co];
            }
          }
        }
      }
    }
  }
  const outs: tf.Tensor4D[] = [];
  let p = 0;
  for (const a of ph.phases) {
    for (const b of pw.phases) {
      const k = tf.tensor4d(taps.subarray(p * per, (p + 1) * per), [
        ph.T,
        pw.T,
        cout,
        cin,
      ]);
      p++;
      outs.push(tf.conv2d(d, k, 1, [[0, 0], [a.before, a.after], [
        b.before,
        b.after,
      ], [0, 0]]));
    }
  }
  if (outs.length === 1) return outs[0];
  const hq = h / ph.s, wq = w / pw.s;
  if (cin === 1) {
    // One channel: stack phases on a leading axis (contiguous copies) and
    // interleave with one 4-D transpose [sh, sw, n·hq, wq] → [n·hq, sh, wq, sw].
    const lead = tf.reshape(tf.concat(outs, 0), [ph.s, pw.s, n * hq, wq]);
    return tf.reshape(tf.transpose(lead, [2, 0, 3, 1]), [n, h, w, 1]);
  }
  // Phases side by side on the channel axis: [n·hq, wq, sh, sw·cin] (ρh
  // major), then swap the middle axes: [n·hq, sh, wq, sw·cin] = [n, h, w, cin].
  // (A 4-D transpose: wasm's rank-5 transpose is a slow generic loop.)
  const side = tf.reshape(tf.concat(outs, 3), [n * hq, wq, ph.s, pw.s * cin]);
  return tf.reshape(tf.transpose(side, [0, 2, 1, 3]), [n, h, w, cin]);
}

/**
 * The input gradient when dy is 1×1 and the convolution is unpadded with
 * dx exactly one kernel large (a transposed convolution from a vector, e.g.
 * DCGAN's first generator layer): one matrix product dy · Wᵀ.
 */
function backpropInputFromVector(
  d: tf.Tensor4D,
  filter: tf.Tensor4D,
  shape: [number, number, number, number],
  info: tf.backend_util.Conv2DInfo,
): tf.Tensor4D | null {
  const [n, h, w, cin] = shape;
  const [, dh, dw, cout] = d.shape;
  if (
    dh !== 1 || dw !== 1 || h !== info.filterHeight ||
    w !== info.filterWidth || info.padInfo.top !== 0 || info.padInfo.left !== 0
  ) return null;
  const wt = tf.transpose(tf.reshape(filter, [h * w * cin, cout])); // [cout, h·w·cin]
  return tf.reshape(
    tf.matMul(tf.reshape(d, [n, cout]), wt),
    [n, h, w, cin],
  );
}
