/**
 * Process memory snapshots (resident set size and live TF.js tensors),
 * recorded per cell and per run in `manifest.json` so that a leak shows.
 *
 * @example
 * ```ts
 * import { memorySnapshot } from "./memory.ts";
 * const { rssMiB, tensors } = memorySnapshot();
 * console.log(`${rssMiB} MiB, ${tensors} tensors`);
 * ```
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/** Process memory at one moment: resident set size and live TF.js tensors. */
export interface MemorySnapshot {
  /** Resident set size of the process, MiB (rounded). */
  rssMiB: number;
  /** `tf.memory().numTensors`. */
  tensors: number;
}

/**
 * Process RSS and live tensor count now.
 *
 * @returns The snapshot.
 */
export function memorySnapshot(): MemorySnapshot {
  return {
    rssMiB: Math.round(Deno.memoryUsage().rss / 2 ** 20),
    tensors: tf.memory().numTensors,
  };
}
