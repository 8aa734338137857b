/**
 * A CPU kernel patch: a fast `Conv2DBackpropFilter` for the TF.js CPU
 * backend, installed by `initBackend` (and by `createGanStep`).
 *
 * tfjs-backend-cpu 4.22 computes the filter gradient with `TensorBuffer.get`
 * (rest arguments, index arithmetic per element) in a filter-major loop
 * order: a DCGAN discriminator's weight gradient at batch 4 takes ~20 s.
 * This version walks the flat NHWC arrays with the output-channel loop
 * innermost (contiguous); it gives the same sums in a different order
 * (float32 rounding differences only). Channels-first input falls back to
 * the original kernel.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

type KernelFunc = tf.KernelConfig["kernelFunc"];

/**
 * Replaces the CPU `Conv2DBackpropFilter` kernel with the fast one.
 * Idempotent; does nothing when the CPU backend is not registered.
 *
 * @returns True when the fast kernel is (now) in place.
 * @example
 * ```ts
 * import "@tensorflow/tfjs-backend-cpu";
 * import { patchCpuConv2DBackpropFilter } from "./cpu_kernels.ts";
 * patchCpuConv2DBackpropFilter();
 * ```
 */
export function patchCpuConv2DBackpropFilter(): boolean {
  const current = tf.getKernel("Conv2DBackpropFilter", "cpu");
  if (current == null) return false;
  if ((current.kernelFunc as { ganbenchFast?: boolean }).ganbenchFast) {
    return true;
  }
  const original = current.kernelFunc;
  const fast = makeFast(original) as KernelFunc & { ganbenchFast?: boolean };
  fast.ganbenchFast = true;
  tf.unregisterKernel("Conv2DBackpropFilter", "cpu");
  tf.registerKernel({
    kernelName: "Conv2DBackpropFilter",
    backendName: "cpu",
    kernelFunc: fast,
  });
  return true;
}

function makeFast(original: KernelFunc): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as {
      inputs: { x: tf.TensorInfo; dy: tf.TensorInfo };
      // deno-lint-ignore no-explicit-any
      backend: any;
      attrs: {
        strides: number | [number, number];
        pad: "valid" | "same" | number;
        dataFormat: "NHWC" | "NCHW";
        dimRoundingMode?: "floor" | "round" | "ceil";
        filterShape: [number, number, number, number];
      };
    };
    const { x, dy } = inputs;
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
    if (dataFormat === "NCHW" || x.dtype === "complex64") {
      return original(args);
    }
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filterShape,
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      "channelsLast",
    );
    const {
      batchSize,
      inHeight,
      inWidth,
      inChannels,
      outHeight,
      outWidth,
      outChannels,
      strideHeight,
      strideWidth,
      filterHeight,
      filterWidth,
    } = info;
    const top = info.padInfo.top;
    const left = info.padInfo.left;
    const xv = backend.data.get(x.dataId).values as Float32Array;
    const dyv = backend.data.get(dy.dataId).values as Float32Array;
    const dW = new Float32Array(
      filterHeight * filterWidth * inChannels * outChannels,
    );
    for (let b = 0; b < batchSize; b++) {
      for (let yR = 0; yR < outHeight; yR++) {
        for (let yC = 0; yC < outWidth; yC++) {
          const dyOff = ((b * outHeight + yR) * outWidth + yC) * outChannels;
          for (let wR = 0; wR < filterHeight; wR++) {
            const xR = yR * strideHeight - top + wR;
            if (xR < 0 || xR >= inHeight) continue;
            for (let wC = 0; wC < filterWidth; wC++) {
              const xC = yC * strideWidth - left + wC;
              if (xC < 0 || xC >= inWidth) continue;
              const xOff = ((b * inHeight + xR) * inWidth + xC) * inChannels;
              const wOff = (wR * filterWidth + wC) * inChannels * outChannels;
              for (let d1 = 0; d1 < inChannels; d1++) {
                const a = xv[xOff + d1];
                if (a === 0) continue;
                const base = wOff + d1 * outChannels;
                for (let d2 = 0; d2 < outChannels; d2++) {
                  dW[base + d2] += a * dyv[dyOff + d2];
                }
              }
            }
          }
        }
      }
    }
    return backend.makeTensorInfo(filterShape, "float32", dW);
  };
}
