/**
 * Shared types of the backend area: which TF.js backend to use, what was
 * picked, and what `doctor` reports about each candidate.
 *
 * @module
 */

/** The values accepted by `--backend`. */
export type BackendChoice = "auto" | "tensorflow" | "webgpu" | "wasm" | "cpu";

/** Every accepted `--backend` value, in the order `--help` lists them. */
export const BACKEND_CHOICES: readonly BackendChoice[] = [
  "auto",
  "tensorflow",
  "webgpu",
  "wasm",
  "cpu",
];

/** The backend candidates `auto` tries, best first. */
export type BackendCandidate =
  | "tfjs-node-gpu"
  | "tfjs-node"
  | "webgpu"
  | "wasm"
  | "cpu";

/** What {@linkcode initBackend} picked; every result row carries `backend` and `device`. */
export interface BackendInfo {
  /** The active TF.js backend name (`tf.getBackend()`): "tensorflow", "webgpu", "wasm" or "cpu". */
  backend: string;
  /** The hardware it runs on, e.g. "NVIDIA H100 80GB HBM3, driver 550.54" or "AMD EPYC 7B13 (2 cores)". */
  device: string;
  /** One reason per better candidate that was skipped (auto) or tried and failed (tensorflow). */
  skipped: string[];
  /** The one-line summary of the choice: what was picked and why each better one was skipped. */
  message: string;
  /** Backend-specific details, e.g. "SIMD, 1 thread" for wasm or "CUDA" for tfjs-node-gpu; "" if none. */
  detail: string;
}

/** One row of {@linkcode backendAvailability} (for `doctor`). */
export interface BackendStatus {
  /** The candidate: "tfjs-node-gpu", "tfjs-node", "webgpu", "wasm" or "cpu". */
  name: BackendCandidate;
  /** The TF.js backend name it registers ("tensorflow" for both tfjs-node packages). */
  backend: string;
  /** Whether `--backend <backend>` can use it. */
  available: boolean;
  /** Whether `--backend auto` would take it (false for a software WebGPU adapter). */
  auto: boolean;
  /** Why it is unavailable or skipped by auto, or what was found when available. */
  reason: string;
}
