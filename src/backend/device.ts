/**
 * Human-readable descriptions of the hardware a backend runs on.
 *
 * @module
 */
import { cpus } from "node:os";
import * as tf from "@tensorflow/tfjs-core";
import { granted } from "./_permissions.ts";
import { probeWebGpu } from "./_webgpu.ts";

/**
 * The CPU model and logical core count (synchronous; needs read access to
 * /proc/cpuinfo for the model name on Linux).
 *
 * @returns e.g. "AMD EPYC 7B13 (2 cores)", or "x86_64 CPU (2 cores)" without the model.
 * @example
 * ```ts
 * cpuDescription(); // "Intel(R) Core(TM) i7-8550U CPU @ 1.80GHz (8 cores)"
 * ```
 */
export function cpuDescription(): string {
  const cores = navigator.hardwareConcurrency;
  // node:os needs only --allow-sys; Deno treats /proc/cpuinfo as needing -A.
  let model: string | undefined;
  try {
    model = cpus()[0]?.model?.trim();
  } catch {
    model = undefined;
  }
  return `${model || `${Deno.build.arch} CPU`} (${cores} core${
    cores === 1 ? "" : "s"
  })`;
}

/**
 * GPU names and driver versions from `nvidia-smi`, if it is installed and
 * `--allow-run=nvidia-smi` permits running it.
 *
 * @returns e.g. ["NVIDIA H100 80GB HBM3, driver 550.54.15, 81559 MiB"], or [] when unavailable.
 */
export async function nvidiaGpus(): Promise<string[]> {
  if (!granted({ name: "run", command: "nvidia-smi" })) return [];
  try {
    const out = await new Deno.Command("nvidia-smi", {
      args: [
        "--query-gpu=name,driver_version,memory.total",
        "--format=csv,noheader",
      ],
      stdout: "piped",
      stderr: "null",
    }).output();
    if (!out.success) return [];
    return new TextDecoder().decode(out.stdout).split("\n").map((l) => l.trim())
      .filter((l) => l !== "")
      .map((l) => {
        const [name, driver, mem] = l.split(",").map((s) => s.trim());
        return `${name}, driver ${driver}${mem ? `, ${mem}` : ""}`;
      });
  } catch {
    return [];
  }
}

/**
 * Describes the device the given (or current) backend computes on: the GPU
 * and driver for tfjs-node-gpu (nvidia-smi), the adapter for WebGPU, else the CPU.
 *
 * @param backend A TF.js backend name; defaults to `tf.getBackend()`.
 * @param cuda Whether the "tensorflow" backend is the CUDA build (tfjs-node-gpu).
 * @returns A one-line device string.
 * @example
 * ```ts
 * await deviceDescription("webgpu"); // "llvmpipe (LLVM 15.0.6, 256 bits) [software adapter]"
 * ```
 */
export async function deviceDescription(
  backend: string = tf.getBackend(),
  cuda = false,
): Promise<string> {
  if (backend === "webgpu") {
    const probe = await probeWebGpu();
    if (probe.available) {
      return `${probe.description}${
        probe.software ? " [software adapter]" : ""
      }`;
    }
  }
  if (backend === "tensorflow" && cuda) {
    const gpus = await nvidiaGpus();
    if (gpus.length > 0) {
      return gpus.length === 1 ? gpus[0] : `${gpus.length}× ${gpus[0]}`;
    }
    return `CUDA GPU (nvidia-smi not available), host ${cpuDescription()}`;
  }
  return cpuDescription();
}
