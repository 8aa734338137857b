/**
 * Run-time detection of the optional native backends `@tensorflow/tfjs-node`
 * and `@tensorflow/tfjs-node-gpu`. Neither is a dependency (their install
 * script downloads libtensorflow, which many machines cannot reach); a user
 * installs one with npm into the project's `node_modules`, and this module
 * finds it there with `createRequire`, checks its native binding and shared
 * libraries without loading anything, and only then `require`s it.
 *
 * tfjs-core keeps its engine (`globalThis._tfengine`) and kernel registry on a
 * global, so the package's own copy of tfjs-core registers its "tensorflow"
 * backend with the engine this project imports.
 *
 * @module
 */
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { errorText } from "../util/errors.ts";
import { parseJsonText } from "../util/json.ts";
import { exists, granted, listDir, readText } from "./_permissions.ts";
import { findSharedLibraries, hasSharedLibrary } from "./_shared_libs.ts";

/** The tfjs-node package names. */
export type TfjsNodePackage =
  | "@tensorflow/tfjs-node"
  | "@tensorflow/tfjs-node-gpu";

/** The TF.js version this project pins; the native package must match it. */
export const TFJS_VERSION = "4.22.0";

/** The CUDA/cuDNN libraries libtensorflow 2.9 (tfjs-node-gpu 4.22) loads. */
export const CUDA_LIBRARIES = [
  "libcudart.so.11.0",
  "libcublas.so.11",
  "libcublasLt.so.11",
  "libcufft.so.10",
  "libcurand.so.10",
  "libcusolver.so.11",
  "libcusparse.so.11",
  "libcudnn.so.8",
];

/** The result of probing one tfjs-node package. */
export interface TfjsNodeProbe {
  /** Whether it can be loaded. */
  available: boolean;
  /** Why not, or what was found. */
  reason: string;
  /** The package directory when installed. */
  dir?: string;
}

function searchBases(): string[] {
  const bases: string[] = [];
  try {
    if (granted({ name: "read" }) || granted({ name: "read", path: "." })) {
      bases.push(`${Deno.cwd()}/`);
    }
  } catch { /* no cwd */ }
  if (import.meta.url.startsWith("file:")) {
    bases.push(fileURLToPath(new URL("../../", import.meta.url)));
  }
  return [...new Set(bases)];
}

function resolvePackageDir(pkg: TfjsNodePackage): string | undefined {
  for (const base of searchBases()) {
    try {
      const req = createRequire(`${base}_ganbench_resolve.js`);
      const pj = req.resolve(`${pkg}/package.json`);
      return pj.slice(0, pj.length - "/package.json".length);
    } catch { /* not here */ }
  }
  return undefined;
}

/**
 * Checks, without loading it, whether a tfjs-node package can be used.
 *
 * @param pkg The package name.
 * @returns Availability, the reason, and the package directory when installed.
 */
export function probeTfjsNode(pkg: TfjsNodePackage): TfjsNodeProbe {
  const short = pkg.slice("@tensorflow/".length);
  const install = `npm install ${pkg}@${TFJS_VERSION}`;
  const dir = resolvePackageDir(pkg);
  if (dir === undefined) {
    return { available: false, reason: `not installed (${install})` };
  }
  let version = "?";
  try {
    const path = `${dir}/package.json`;
    const json = parseJsonText(readText(path) ?? "{}", path);
    version = (json as { version?: string } | null)?.version ?? "?";
  } catch { /* keep "?" */ }
  if (version !== TFJS_VERSION) {
    return {
      available: false,
      dir,
      reason:
        `version ${version} found but TF.js is ${TFJS_VERSION} (${install})`,
    };
  }
  const napi = listDir(`${dir}/lib`).filter((d) => /^napi-v\d+$/.test(d))
    .sort();
  const bindingDir = napi.map((d) => `${dir}/lib/${d}`).find((d) =>
    exists(`${d}/tfjs_binding.node`)
  );
  if (bindingDir === undefined) {
    return {
      available: false,
      dir,
      reason: `no native binding lib/napi-v*/tfjs_binding.node ` +
        `(its install script could not download libtensorflow; rerun ${install} with network access)`,
    };
  }
  const tfLibs = [...listDir(`${dir}/deps/lib`), ...listDir(bindingDir)];
  if (!tfLibs.some((f) => f.startsWith("libtensorflow."))) {
    return {
      available: false,
      dir,
      reason:
        `no libtensorflow in deps/lib or ${bindingDir.slice(dir.length + 1)} ` +
        `(rerun ${install} with network access)`,
    };
  }
  if (pkg === "@tensorflow/tfjs-node-gpu") {
    if (Deno.build.os !== "linux") {
      return { available: false, dir, reason: "needs Linux with CUDA" };
    }
    if (!hasSharedLibrary("libcuda.so.1")) {
      return {
        available: false,
        dir,
        reason: "no NVIDIA driver (libcuda.so.1 not found)",
      };
    }
    const missing = CUDA_LIBRARIES.filter((l) => !hasSharedLibrary(l));
    if (missing.length > 0) {
      const present = findSharedLibraries("libcudart.so.");
      return {
        available: false,
        dir,
        reason:
          `${short} ${TFJS_VERSION} needs CUDA 11.2 and cuDNN 8.1: missing ${
            missing.join(", ")
          }` +
          (present.length > 0 ? ` (installed: ${present.join(", ")})` : ""),
      };
    }
  }
  // Scoped: `--allow-ffi=node_modules` is enough to load the binding.
  if (!granted({ name: "ffi", path: `${bindingDir}/tfjs_binding.node` })) {
    return {
      available: false,
      dir,
      reason: "needs --allow-ffi to load its native binding",
    };
  }
  return { available: true, dir, reason: `${version} at ${dir}` };
}

/**
 * Loads an installed tfjs-node package, which registers the "tensorflow"
 * backend with the shared TF.js engine.
 *
 * @param dir The package directory from {@linkcode probeTfjsNode}.
 * @returns `null` on success, else the one-line error.
 */
export function loadTfjsNode(dir: string): string | null {
  try {
    const req = createRequire(`${dir}/`);
    req(dir);
    return null;
  } catch (e) {
    return errorText(e);
  }
}
