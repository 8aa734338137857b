/**
 * Choosing and initialising the TF.js backend (`--backend`).
 *
 * `auto` tries, best first: `@tensorflow/tfjs-node-gpu` (CUDA),
 * `@tensorflow/tfjs-node`, WebGPU on a hardware adapter, wasm, cpu — each only
 * if it can be used — and reports one line naming the pick and why every
 * better candidate was skipped. An explicit choice either works or throws a
 * one-line error saying why not.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { errorText } from "../util/errors.ts";
import { registerGradientFixes } from "./gradients.ts";
import { patchCpuConv2DBackpropFilter } from "./cpu_kernels.ts";
import { cpuDescription, deviceDescription } from "./device.ts";
import {
  BACKEND_CHOICES,
  type BackendCandidate,
  type BackendChoice,
  type BackendInfo,
  type BackendStatus,
} from "./types.ts";
import {
  loadTfjsNode,
  probeTfjsNode,
  type TfjsNodePackage,
} from "./_tfjs_node.ts";
import { probeWebGpu } from "./_webgpu.ts";
import {
  prepareWasm,
  type WasmOptions,
  wasmSimdSupported,
  wasmUnavailableReason,
} from "./wasm.ts";

/** Options of {@linkcode initBackend}. */
export interface InitBackendOptions {
  /** Receives the one-line summary (e.g. `console.error`); default: nothing is printed. */
  log?: (line: string) => void;
  /** wasm setup (SIMD on/off, fast Conv2DBackpropInput). */
  wasm?: WasmOptions;
}

let current: BackendInfo | undefined;

type Attempt = { ok: true; detail: string; cuda?: boolean } | {
  ok: false;
  reason: string;
};

async function trySetBackend(name: string): Promise<string | null> {
  try {
    const ok = await tf.setBackend(name);
    if (!ok) return `tf.setBackend("${name}") failed to initialise`;
    await tf.ready();
    return null;
  } catch (e) {
    return errorText(e);
  }
}

async function tryTfjsNode(pkg: TfjsNodePackage): Promise<Attempt> {
  const probe = probeTfjsNode(pkg);
  if (!probe.available || probe.dir === undefined) {
    return { ok: false, reason: probe.reason };
  }
  if (tf.findBackendFactory("tensorflow") === null) {
    const err = loadTfjsNode(probe.dir);
    if (err !== null) return { ok: false, reason: `loading failed: ${err}` };
    if (tf.findBackendFactory("tensorflow") === null) {
      return {
        ok: false,
        reason: 'loaded but registered no "tensorflow" backend',
      };
    }
  }
  const err = await trySetBackend("tensorflow");
  if (err !== null) return { ok: false, reason: err };
  const cuda = pkg === "@tensorflow/tfjs-node-gpu";
  return { ok: true, detail: cuda ? "tfjs-node-gpu, CUDA" : "tfjs-node", cuda };
}

async function tryWebGpu(allowSoftware: boolean): Promise<Attempt> {
  const probe = await probeWebGpu();
  if (!probe.available) return { ok: false, reason: probe.reason };
  if (probe.software && !allowSoftware) {
    return { ok: false, reason: probe.reason };
  }
  try {
    await import("@tensorflow/tfjs-backend-webgpu");
  } catch (e) {
    return {
      ok: false,
      reason: `cannot load @tensorflow/tfjs-backend-webgpu: ${errorText(e)}`,
    };
  }
  if (tf.findBackendFactory("webgpu") === null) {
    return {
      ok: false,
      reason:
        "@tensorflow/tfjs-backend-webgpu registered no backend (WebGPU unsupported)",
    };
  }
  const err = await trySetBackend("webgpu");
  if (err !== null) return { ok: false, reason: err };
  return { ok: true, detail: probe.software ? "software adapter" : "" };
}

async function tryWasm(options: WasmOptions | undefined): Promise<Attempt> {
  const reason = wasmUnavailableReason();
  if (reason !== null) return { ok: false, reason };
  let cfg: { simd: boolean; threads: number };
  try {
    cfg = await prepareWasm(options);
  } catch (e) {
    return {
      ok: false,
      reason: `cannot load @tensorflow/tfjs-backend-wasm: ${errorText(e)}`,
    };
  }
  const err = await trySetBackend("wasm");
  if (err !== null) return { ok: false, reason: err };
  return {
    ok: true,
    detail: `${cfg.simd ? "SIMD" : "no SIMD"}, ${cfg.threads} thread`,
  };
}

async function tryCpu(): Promise<Attempt> {
  const err = await trySetBackend("cpu");
  if (err !== null) return { ok: false, reason: err };
  // Silence tfjs-backend-cpu's "looks like you are running TensorFlow.js in Node.js" banner.
  const be = tf.backend() as unknown as { firstUse?: boolean };
  if (be.firstUse === true) be.firstUse = false;
  return { ok: true, detail: "" };
}

function attempt(
  candidate: BackendCandidate,
  auto: boolean,
  options: InitBackendOptions,
): Promise<Attempt> {
  switch (candidate) {
    case "tfjs-node-gpu":
      return tryTfjsNode("@tensorflow/tfjs-node-gpu");
    case "tfjs-node":
      return tryTfjsNode("@tensorflow/tfjs-node");
    case "webgpu":
      return tryWebGpu(!auto);
    case "wasm":
      return tryWasm(options.wasm);
    case "cpu":
      return tryCpu();
  }
}

const CANDIDATES: Record<BackendChoice, BackendCandidate[]> = {
  auto: ["tfjs-node-gpu", "tfjs-node", "webgpu", "wasm", "cpu"],
  tensorflow: ["tfjs-node-gpu", "tfjs-node"],
  webgpu: ["webgpu"],
  wasm: ["wasm"],
  cpu: ["cpu"],
};

/**
 * Picks and initialises the TF.js backend, registers the gradient fixes (and
 * the wasm training kernels for wasm), and remembers the result for
 * {@linkcode backendInfo}.
 *
 * @param choice "auto" or an explicit backend.
 * @param options Where to print the summary line; wasm options.
 * @returns The backend, its device, the skipped candidates and the summary line.
 * @throws Error (one line) for an unknown choice or an explicit backend that cannot be used.
 * @example
 * ```ts
 * const info = await initBackend("auto", { log: console.error });
 * // backend wasm (SIMD, 1 thread) on AMD EPYC 7B13 (2 cores); skipped tfjs-node-gpu: not installed (npm install @tensorflow/tfjs-node-gpu@4.22.0); ...
 * ```
 */
export async function initBackend(
  choice: BackendChoice,
  options: InitBackendOptions = {},
): Promise<BackendInfo> {
  if (!(BACKEND_CHOICES as readonly string[]).includes(choice)) {
    throw new Error(
      `unknown backend "${choice}" (expected one of ${
        BACKEND_CHOICES.join(", ")
      })`,
    );
  }
  registerGradientFixes();
  patchCpuConv2DBackpropFilter();
  const auto = choice === "auto";
  const skipped: string[] = [];
  for (const candidate of CANDIDATES[choice]) {
    const result = await attempt(candidate, auto, options);
    if (!result.ok) {
      skipped.push(`${candidate}: ${result.reason}`);
      continue;
    }
    const backend = tf.getBackend();
    const device = await deviceDescription(backend, result.cuda === true);
    const message =
      `backend ${backend}${
        result.detail ? ` (${result.detail})` : ""
      } on ${device}` +
      (skipped.length > 0 ? `; skipped ${skipped.join("; ")}` : "");
    current = { backend, device, skipped, message, detail: result.detail };
    options.log?.(message);
    return { ...current, skipped: [...skipped] };
  }
  throw new Error(
    `backend "${choice}" cannot be used: ${skipped.join("; ")}`,
  );
}

/**
 * The current backend name and device string (every result row carries both).
 * Before {@linkcode initBackend} ran, describes whatever backend TF.js is on.
 *
 * @returns The current {@linkcode BackendInfo}.
 * @example
 * ```ts
 * const { backend, device } = backendInfo();
 * ```
 */
export function backendInfo(): BackendInfo {
  const backend = tf.getBackend() ?? "none";
  if (current !== undefined && current.backend === backend) {
    return { ...current, skipped: [...current.skipped] };
  }
  const device = cpuDescription();
  return {
    backend,
    device,
    skipped: [],
    message: `backend ${backend} on ${device}`,
    detail: "",
  };
}

/**
 * Reports each candidate backend's availability and the reason when not
 * available or not taken by `auto` (for `doctor`). Loads nothing and does not
 * change the current backend.
 *
 * @returns One row per candidate, best first.
 * @example
 * ```ts
 * for (const r of await backendAvailability()) console.log(r.name, r.available, r.reason);
 * ```
 */
export async function backendAvailability(): Promise<BackendStatus[]> {
  const rows: BackendStatus[] = [];
  for (
    const pkg of ["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"] as const
  ) {
    const p = probeTfjsNode(pkg);
    rows.push({
      name: pkg === "@tensorflow/tfjs-node-gpu" ? "tfjs-node-gpu" : "tfjs-node",
      backend: "tensorflow",
      available: p.available,
      auto: p.available,
      reason: p.reason,
    });
  }
  const gpu = await probeWebGpu();
  rows.push({
    name: "webgpu",
    backend: "webgpu",
    available: gpu.available,
    auto: gpu.available && !gpu.software,
    reason: gpu.software
      ? `${gpu.reason}: auto skips it, --backend webgpu uses it`
      : gpu.reason,
  });
  const wasmReason = wasmUnavailableReason();
  rows.push({
    name: "wasm",
    backend: "wasm",
    available: wasmReason === null,
    auto: wasmReason === null,
    reason: wasmReason ??
      `${wasmSimdSupported() ? "SIMD" : "no SIMD"}, 1 thread`,
  });
  rows.push({
    name: "cpu",
    backend: "cpu",
    available: true,
    auto: true,
    reason: "plain JavaScript kernels",
  });
  return rows;
}
