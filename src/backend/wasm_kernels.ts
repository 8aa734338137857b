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
import {
  conv2dBackpropFilterViaConv,
  conv2dBackpropInputViaConv,
  type ConvGradAttrs,
} from "./wasm_conv_grads.ts";

/** A kernel input as a tensor, and whether this wrapper must dispose it. */
function asTensor(info: tf.TensorInfo): { t: tf.Tensor; owned: boolean } {
  if (info instanceof tf.Tensor) return { t: info, owned: false };
  return { t: tf.engine().makeTensorFromTensorInfo(info), owned: true };
}

/** Runs `f` on kernel inputs as tensors, disposing the wrappers it made. */
function withTensors<T>(infos: tf.TensorInfo[], f: (ts: tf.Tensor[]) => T): T {
  const wrapped = infos.map(asTensor);
  try {
    return f(wrapped.map((w) => w.t));
  } finally {
    for (const w of wrapped) if (w.owned) w.t.dispose();
  }
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
 * import * as tf from "@tensorflow/tfjs-core";
 * import { unsortedSegmentSumViaMatMul } from "./wasm_kernels.ts";
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

/** Wraps wasm's `OneHot` so that non-int32 dtypes come out right; true if it did now. */
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
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-wasm";
 * import { registerWasmKernels } from "./wasm_kernels.ts";
 * registerWasmKernels();
 * await tf.setBackend("wasm"); // tf.grad through conv2d now works on wasm
 * ```
 */
export function registerWasmKernels(options: WasmKernelOptions = {}): string[] {
  const done: string[] = [];
  if (registerIfMissing(conv2dBackpropFilterKernel())) {
    done.push("Conv2DBackpropFilter");
  }
  if (registerIfMissing(unsortedSegmentSumKernel())) {
    done.push("UnsortedSegmentSum");
  }
  if (fixOneHot()) done.push("OneHot (dtype fix)");
  if (options.fastTransposedMatMul ?? true) {
    done.push(...registerWasmTransposedMatMul());
  }
  const swapped = selectBackpropInput(options.fastConv2DBackpropInput ?? true);
  if (swapped) done.push(swapped);
  return done;
}

/** Registers a wasm kernel unless wasm has one of that name; true if it did. */
function registerIfMissing(config: tf.KernelConfig): boolean {
  if (tf.getKernel(config.kernelName, "wasm") !== undefined) return false;
  tf.registerKernel(config);
  return true;
}

/** `Conv2DBackpropFilter` as one dilated `conv2d`. */
function conv2dBackpropFilterKernel(): tf.KernelConfig {
  return {
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
  };
}

/** `UnsortedSegmentSum` as one `matMul`. */
function unsortedSegmentSumKernel(): tf.KernelConfig {
  return {
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
  };
}

/**
 * Installs the conv-based (`fast`) or wasm's native `Conv2DBackpropInput`,
 * remembering the native one so that it can be put back.
 *
 * @returns What was installed, or undefined when it already was.
 */
function selectBackpropInput(fast: boolean): string | undefined {
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
  if (wanted === undefined || current?.kernelFunc === wanted.kernelFunc) {
    return undefined;
  }
  if (current !== undefined) {
    tf.unregisterKernel("Conv2DBackpropInput", "wasm");
  }
  tf.registerKernel(wanted);
  // The engine runs setup functions on setBackend; do it now if wasm is active.
  if (wanted.setupFunc !== undefined && tf.engine().backendName === "wasm") {
    wanted.setupFunc(tf.backend());
  }
  return fast
    ? "Conv2DBackpropInput (conv-based)"
    : "Conv2DBackpropInput (native)";
}
