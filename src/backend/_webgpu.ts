/**
 * WebGPU adapter probe: is there an adapter, and is it real hardware or a
 * software rasteriser (Mesa lavapipe/llvmpipe, SwiftShader, WARP) that `auto`
 * must not pick.
 *
 * @module
 */
import { errorText } from "../util/errors.ts";
import { granted, readEnv } from "./_permissions.ts";

/** What the WebGPU probe found. */
export interface WebGpuProbe {
  /** An adapter exists (so `--backend webgpu` can work). */
  available: boolean;
  /** The adapter is a software/CPU one. */
  software: boolean;
  /** Adapter description, e.g. "llvmpipe (LLVM 15.0.6, 256 bits)", or "" when none. */
  description: string;
  /** Why unavailable, why software, or what was found. */
  reason: string;
}

const SOFTWARE =
  /llvmpipe|lavapipe|softpipe|swiftshader|software|microsoft basic render|\bwarp\b/i;
/** Mesa's Vulkan vendor id (VK_VENDOR_ID_MESA), used by its CPU drivers. */
const MESA_VENDOR = 0x10005;

interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

/**
 * Classifies adapter info as software or hardware.
 *
 * @param info The adapter's `info` (GPUAdapterInfo-like).
 * @param isFallback The adapter's legacy `isFallbackAdapter` flag, if any.
 * @returns The software verdict and a readable description.
 */
export function classifyAdapter(
  info: AdapterInfoLike,
  isFallback = false,
): { software: boolean; description: string } {
  const fields = [info.description, info.vendor, info.architecture, info.device]
    .filter((s): s is string => typeof s === "string" && s !== "");
  const description = info.description || fields.join(" ") || "unnamed adapter";
  const vendorId = Number(info.vendor);
  const software = isFallback || info.isFallbackAdapter === true ||
    fields.some((f) => SOFTWARE.test(f)) || vendorId === MESA_VENDOR;
  return { software, description };
}

let cached: Promise<WebGpuProbe> | undefined;

/**
 * Requests a WebGPU adapter once per process and classifies it.
 *
 * @returns The probe result (cached).
 */
export function probeWebGpu(): Promise<WebGpuProbe> {
  cached ??= (async (): Promise<WebGpuProbe> => {
    const gpu = (globalThis.navigator as { gpu?: GPU } | undefined)?.gpu;
    if (gpu === undefined) {
      return {
        available: false,
        software: false,
        description: "",
        reason: "navigator.gpu is not available",
      };
    }
    quietMesa();
    let adapter: GPUAdapter | null = null;
    try {
      adapter = await gpu.requestAdapter({
        powerPreference: "high-performance",
      });
    } catch (e) {
      return {
        available: false,
        software: false,
        description: "",
        reason: `requestAdapter failed: ${errorText(e)}`,
      };
    }
    if (adapter === null) {
      return {
        available: false,
        software: false,
        description: "",
        reason: "no WebGPU adapter",
      };
    }
    const legacy = (adapter as unknown as { isFallbackAdapter?: boolean })
      .isFallbackAdapter === true;
    const info = ((adapter as unknown as { info?: AdapterInfoLike }).info ??
      {}) as AdapterInfoLike;
    const { software, description } = classifyAdapter(info, legacy);
    return {
      available: true,
      software,
      description,
      reason: software
        ? `software adapter (${description})`
        : `hardware adapter ${description}`,
    };
  })();
  return cached;
}

/**
 * Mesa's Vulkan drivers print "XDG_RUNTIME_DIR is invalid or not set" on
 * every adapter request when the variable is unset (headless machines, CI):
 * point it at a private directory under `.cache/` when we may.
 */
function quietMesa(): void {
  if (readEnv("XDG_RUNTIME_DIR") !== undefined) return;
  const dir = `${Deno.cwd()}/.cache/ganbench/xdg-runtime`;
  if (
    !granted({ name: "env", variable: "XDG_RUNTIME_DIR" }) ||
    !granted({ name: "write", path: dir })
  ) {
    return;
  }
  try {
    Deno.mkdirSync(dir, { recursive: true, mode: 0o700 });
    Deno.env.set("XDG_RUNTIME_DIR", dir);
  } catch {
    // Only cosmetic: the adapter works without it.
  }
}
