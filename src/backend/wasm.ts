/**
 * Locating and configuring the TF.js wasm backend under Deno.
 *
 * The `.wasm` binaries live next to the package's `dist/` files in Deno's
 * `node_modules/.deno/...` tree; {@linkcode wasmDistDir} finds them with
 * `import.meta.resolve` and {@linkcode prepareWasm} hands the folder to
 * `setWasmPaths`. SIMD is used when WebAssembly supports it. The threaded
 * build is not enabled: TF.js turns it off under Node detection, and forcing
 * it in Deno 2.x fails (Emscripten starts its pthread workers through
 * `node:worker_threads` with a `blob:` URL, which Deno rejects with
 * ERR_WORKER_PATH), so wasm runs on one thread.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { fileURLToPath } from "node:url";
import { exists } from "./_permissions.ts";
import { registerWasmKernels, type WasmKernelOptions } from "./wasm_kernels.ts";

/** The binaries TF.js 4.22 may load. */
export const WASM_BINARIES = [
  "tfjs-backend-wasm.wasm",
  "tfjs-backend-wasm-simd.wasm",
  "tfjs-backend-wasm-threaded-simd.wasm",
] as const;

/** How to set up the wasm backend. */
export interface WasmOptions extends WasmKernelOptions {
  /** Use the SIMD binary when supported (default true; false = the plain build, for comparison). */
  simd?: boolean;
}

/**
 * The folder holding the wasm binaries, as a file path ending in "/".
 *
 * @returns The path, or `undefined` when the package cannot be resolved to a file.
 * @example
 * ```ts
 * wasmDistDir(); // ".../node_modules/.deno/@tensorflow+tfjs-backend-wasm@4.22.0/node_modules/@tensorflow/tfjs-backend-wasm/dist/"
 * ```
 */
export function wasmDistDir(): string | undefined {
  try {
    const url = import.meta.resolve(
      "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm",
    );
    if (!url.startsWith("file:")) return undefined;
    return fileURLToPath(new URL("./", url));
  } catch {
    return undefined;
  }
}

/**
 * Whether this WebAssembly engine validates SIMD instructions.
 *
 * @returns `true` when wasm SIMD is supported.
 */
export function wasmSimdSupported(): boolean {
  try {
    return WebAssembly.validate(
      new Uint8Array([
        0,
        97,
        115,
        109,
        1,
        0,
        0,
        0,
        1,
        4,
        1,
        96,
        0,
        0,
        3,
        2,
        1,
        0,
        10,
        9,
        1,
        7,
        0,
        65,
        0,
        253,
        15,
        26,
        11,
      ]),
    );
  } catch {
    return false;
  }
}

/**
 * Checks, without initialising it, whether the wasm backend can be used.
 *
 * @returns `null` when usable, else the reason.
 */
export function wasmUnavailableReason(): string | null {
  if (typeof WebAssembly !== "object") return "WebAssembly is not available";
  const dir = wasmDistDir();
  if (dir === undefined) {
    return "cannot resolve @tensorflow/tfjs-backend-wasm to a file (run with a node_modules dir)";
  }
  const file = `${dir}${
    wasmSimdSupported() ? WASM_BINARIES[1] : WASM_BINARIES[0]
  }`;
  if (!exists(file)) return `${file} is missing or not readable (--allow-read)`;
  return null;
}

let prepared: { simd: boolean } | undefined;

/**
 * Loads the wasm backend package, points it at its binaries, sets the SIMD
 * and thread flags, and registers the missing training kernels. Idempotent;
 * the SIMD choice of the first call sticks (the binary loads once per process).
 *
 * @param options SIMD and kernel options.
 * @returns What was configured: `simd` and `threads` (always 1).
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { prepareWasm } from "./wasm.ts";
 * await prepareWasm();
 * await tf.setBackend("wasm");
 * ```
 */
export async function prepareWasm(
  options: WasmOptions = {},
): Promise<{ simd: boolean; threads: number }> {
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  registerWasmKernels(options);
  if (prepared === undefined) {
    const simd = (options.simd ?? true) && wasmSimdSupported();
    const dir = wasmDistDir();
    if (dir !== undefined) {
      try {
        wasm.setWasmPaths(dir);
      } catch {
        /* already initialised: the bundle's own __dirname lookup applies */
      }
    }
    tf.env().set("WASM_HAS_SIMD_SUPPORT", simd);
    tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
    prepared = { simd };
  }
  return { simd: prepared.simd, threads: 1 };
}
