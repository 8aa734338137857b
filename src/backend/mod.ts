/**
 * The TF.js backend layer of ganbench: choose and initialise a backend
 * (`--backend auto|tensorflow|webgpu|wasm|cpu`), describe the device, report
 * availability for `doctor`, and patch what TF.js 4.22 lacks for training
 * (core gradients under Deno, the `Greater` gradient, wasm conv-gradient kernels).
 *
 * @example
 * ```ts
 * import { backendInfo, initBackend } from "./mod.ts";
 *
 * const info = await initBackend("auto", { log: console.error });
 * console.log(backendInfo().backend, backendInfo().device);
 * ```
 *
 * @module
 */
export type {
  BackendCandidate,
  BackendChoice,
  BackendInfo,
  BackendStatus,
} from "./types.ts";
export { BACKEND_CHOICES } from "./types.ts";
export {
  backendAvailability,
  backendInfo,
  initBackend,
  type InitBackendOptions,
} from "./init.ts";
export { cpuDescription, deviceDescription, nvidiaGpus } from "./device.ts";
export { registerGradientFixes, ZERO_GRADIENT_KERNELS } from "./gradients.ts";
export { patchCpuConv2DBackpropFilter } from "./cpu_kernels.ts";
export {
  prepareWasm,
  WASM_BINARIES,
  wasmDistDir,
  type WasmOptions,
  wasmSimdSupported,
} from "./wasm.ts";
export {
  conv2dBackpropFilterViaConv,
  conv2dBackpropInputViaConv,
} from "./wasm_conv_grads.ts";
export {
  registerWasmKernels,
  unsortedSegmentSumViaMatMul,
  WASM_ADDED_KERNELS,
  WASM_REPLACED_KERNELS,
  type WasmKernelOptions,
} from "./wasm_kernels.ts";
export {
  registerWasmTransposedMatMul,
  WASM_MATMUL_KERNELS,
} from "./wasm_matmul.ts";
