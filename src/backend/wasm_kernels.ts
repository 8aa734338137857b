/**
 * Training kernels for the TF.js 4.22 wasm backend, built from kernels it has.
 *
 * The wasm backend lacks `Conv2DBackpropFilter` (every conv weight gradient)
 * and `UnsortedSegmentSum` (the gradient of `tf.gather`, i.e. of label
 * embeddings), so the DCGAN family cannot train on it as shipped. Its
 * `Conv2DBackpropInput` (the forward pass of `conv2dTranspose`) exists but is
 * a naive loop, 2–3× slower than the XNNPACK-backed `Conv2D`; it is replaced
 * by an equivalent stride-1 convolution of the zero-dilated input.
 *
 * - Conv2DBackpropFilter: dW[i,j,c,o] = Σ_{n,y,x} xpad[n, y·s+i, x·s+j, c] · dy[n,y,x,o]
 *   is a convolution of xpadᵀ ([C, H, W, N]) with dy ([oh, ow, N, O]) used as
 *   the filter at dilation s — one `conv2d` (≈10–20× faster than im2col with a
 *   transposed `matMul` on wasm).
 * - Conv2DBackpropInput: insert s−1 zeros between the rows/columns of dy, pad
 *   by k−1−pad, and correlate with the spatially flipped, in/out-swapped filter.
 * - UnsortedSegmentSum: `oneHot(ids)ᵀ · x` as one `matMul`.
 * - OneHot: wasm's kernel writes int32 bits whatever the requested dtype, so
 *   `tf.oneHot(ids, n, 1, 0, "float32")` returns denormal garbage (1.4e-45 for
 *   1); the fix runs it as int32 (on 1, off 0), then scales and casts.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { registerWasmTransposedMatMul } from "./wasm_matmul.ts";

type Pad = "same" | "valid" | number | tf.backend_util.ExplicitPadding;

/** Attributes shared by the two convolution-gradient kernels. */
interface ConvGradAttrs {
  strides: [number, number] | number;
  pad: Pad;
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
}

function asTensor(info: tf.TensorInfo): { t: tf.Tensor; owned: boolean } {
  if (info instanceof tf.Tensor) return { t: info, owned: false };
  return { t: tf.engine().makeTensorFromTensorInfo(info), owned: true };
}

function withTensors<T>(infos: tf.TensorInfo[], f: (ts: tf.Tensor[]) => T): T {
  const wrapped = infos.map(asTensor);
  try {
    return f(wrapped.map((w) => w.t));
  } finally {
    for (const w of wrapped) if (w.owned) w.t.dispose();
  }
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
 * const dw = conv2dBackpropFilterViaConv(x, dy, [4, 4, 3, 64], { strides: 2, pad: "same", dataFormat: "NHWC" });
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
 * const dx = conv2dBackpropInputViaConv(dy, w, [8, 32, 32, 3], { strides: 2, pad: "same", dataFormat: "NHWC" });
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

/**
 * `UnsortedSegmentSum` from `oneHot` and `matMul`: out[k] = Σ_{i: ids[i] = k} x[i]
 * (ids outside [0, numSegments) are dropped, as in TensorFlow).
 *
 * @param x The values; its leading dims match `segmentIds`' shape.
 * @param segmentIds int32 segment ids.
 * @param numSegments The number of output rows.
 * @returns [numSegments, ...x.shape.slice(segmentIds.rank)].
 * @example
 * ```ts
 * unsortedSegmentSumViaMatMul(tf.tensor2d([[1], [2], [3]]), tf.tensor1d([1, 0, 1], "int32"), 2); // [[2], [4]]
 * ```
 */
export function unsortedSegmentSumViaMatMul(
  x: tf.Tensor,
  segmentIds: tf.Tensor,
  numSegments: number,
): tf.Tensor {
  return tf.tidy(() => {
    const rest = x.shape.slice(segmentIds.rank);
    const m = segmentIds.size;
    const ids = tf.reshape(segmentIds, [m]) as tf.Tensor1D;
    const oh = tf.transpose(
      tf.oneHot(tf.cast(ids, "int32"), numSegments, 1, 0, "float32"),
    );
    const xs = tf.reshape(tf.cast(x, "float32"), [m, -1]) as tf.Tensor2D;
    const out = tf.reshape(tf.matMul(oh, xs), [numSegments, ...rest]);
    return x.dtype === "float32" ? out : tf.cast(out, x.dtype);
  });
}

/** What {@linkcode registerWasmKernels} may change. */
export interface WasmKernelOptions {
  /** Replace wasm's naive `Conv2DBackpropInput` with the faster conv-based one (default true). */
  fastConv2DBackpropInput?: boolean;
  /** Replace wasm's slow transposed `BatchMatMul`/`_FusedMatMul` paths with explicit transposes (default true). */
  fastTransposedMatMul?: boolean;
}

/** The kernels {@linkcode registerWasmKernels} adds to the wasm backend. */
export const WASM_ADDED_KERNELS = [
  "Conv2DBackpropFilter",
  "UnsortedSegmentSum",
] as const;

/** The wasm kernels {@linkcode registerWasmKernels} replaces (faster or fixed). */
export const WASM_REPLACED_KERNELS = [
  "Conv2DBackpropInput",
  "OneHot",
  "BatchMatMul",
  "_FusedMatMul",
] as const;

let oneHotFix: tf.KernelConfig | undefined;

function fixOneHot(): boolean {
  const native = tf.getKernel("OneHot", "wasm");
  if (native === undefined || native === oneHotFix) return false;
  const nativeFunc = native.kernelFunc;
  oneHotFix = {
    kernelName: "OneHot",
    backendName: "wasm",
    setupFunc: native.setupFunc,
    disposeFunc: native.disposeFunc,
    kernelFunc: (args) => {
      const a = args.attrs as unknown as {
        dtype: tf.DataType;
        depth: number;
        onValue: number;
        offValue: number;
      };
      if (
        a.dtype === "int32" && Number.isInteger(a.onValue) &&
        Number.isInteger(a.offValue)
      ) {
        return nativeFunc(args);
      }
      const info = nativeFunc({
        ...args,
        attrs: { ...args.attrs, dtype: "int32", onValue: 1, offValue: 0 },
      }) as tf.TensorInfo;
      const bits = tf.engine().makeTensorFromTensorInfo(info);
      try {
        return tf.tidy(() => {
          const f = tf.cast(bits, "float32");
          const scaled = a.onValue === 1 && a.offValue === 0
            ? f
            : tf.add(tf.mul(f, a.onValue - a.offValue), a.offValue);
          return a.dtype === "float32" ? scaled : tf.cast(scaled, a.dtype);
        });
      } finally {
        bits.dispose();
      }
    },
  };
  tf.unregisterKernel("OneHot", "wasm");
  tf.registerKernel(oneHotFix);
  return true;
}

let nativeBackpropInput: tf.KernelConfig | undefined;
let fastBackpropInput: tf.KernelConfig | undefined;

/**
 * Registers the missing wasm training kernels (idempotent; may run before the
 * wasm backend is initialised).
 *
 * @param options Whether to also swap in the faster `Conv2DBackpropInput`.
 * @returns The kernel names this call registered or replaced.
 * @example
 * ```ts
 * registerWasmKernels();
 * await tf.setBackend("wasm"); // tf.grad through conv2d now works on wasm
 * ```
 */
export function registerWasmKernels(options: WasmKernelOptions = {}): string[] {
  const done: string[] = [];
  if (tf.getKernel("Conv2DBackpropFilter", "wasm") === undefined) {
    tf.registerKernel({
      kernelName: "Conv2DBackpropFilter",
      backendName: "wasm",
      kernelFunc: ({ inputs, attrs }) => {
        const a = attrs as unknown as ConvGradAttrs & {
          filterShape: [number, number, number, number];
        };
        return withTensors(
          [inputs.x as tf.TensorInfo, inputs.dy as tf.TensorInfo],
          ([x, dy]) =>
            conv2dBackpropFilterViaConv(
              x as tf.Tensor4D,
              dy as tf.Tensor4D,
              a.filterShape,
              a,
            ),
        );
      },
    });
    done.push("Conv2DBackpropFilter");
  }
  if (tf.getKernel("UnsortedSegmentSum", "wasm") === undefined) {
    tf.registerKernel({
      kernelName: "UnsortedSegmentSum",
      backendName: "wasm",
      kernelFunc: ({ inputs, attrs }) =>
        withTensors(
          [inputs.x as tf.TensorInfo, inputs.segmentIds as tf.TensorInfo],
          ([x, ids]) =>
            unsortedSegmentSumViaMatMul(
              x,
              ids,
              (attrs as { numSegments: number }).numSegments,
            ),
        ),
    });
    done.push("UnsortedSegmentSum");
  }
  if (fixOneHot()) done.push("OneHot (dtype fix)");
  if (options.fastTransposedMatMul ?? true) {
    done.push(...registerWasmTransposedMatMul());
  }
  const fast = options.fastConv2DBackpropInput ?? true;
  const current = tf.getKernel("Conv2DBackpropInput", "wasm");
  fastBackpropInput ??= {
    kernelName: "Conv2DBackpropInput",
    backendName: "wasm",
    kernelFunc: ({ inputs, attrs }) => {
      const a = attrs as unknown as ConvGradAttrs & {
        inputShape: [number, number, number, number];
      };
      return withTensors(
        [inputs.dy as tf.TensorInfo, inputs.filter as tf.TensorInfo],
        ([dy, w]) =>
          conv2dBackpropInputViaConv(
            dy as tf.Tensor4D,
            w as tf.Tensor4D,
            a.inputShape,
            a,
          ),
      );
    },
  };
  if (
    current !== undefined && current.kernelFunc !== fastBackpropInput.kernelFunc
  ) {
    nativeBackpropInput ??= current;
  }
  const wanted = fast ? fastBackpropInput : nativeBackpropInput;
  if (wanted !== undefined && current?.kernelFunc !== wanted.kernelFunc) {
    if (current !== undefined) {
      tf.unregisterKernel("Conv2DBackpropInput", "wasm");
    }
    tf.registerKernel(wanted);
    // The engine runs setup functions on setBackend; do it now if wasm is active.
    if (wanted.setupFunc !== undefined && tf.engine().backendName === "wasm") {
      wanted.setupFunc(tf.backend());
    }
    done.push(
      fast
        ? "Conv2DBackpropInput (conv-based)"
        : "Conv2DBackpropInput (native)",
    );
  }
  return done;
}
