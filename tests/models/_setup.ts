/**
 * Test setup for the zoo tests: CPU backend plus the gradient and kernel
 * fixes that `initBackend` registers (src/backend/gradients.ts,
 * src/backend/cpu_kernels.ts).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { registerGradientFixes } from "../../src/backend/gradients.ts";
import { patchCpuConv2DBackpropFilter } from "../../src/backend/cpu_kernels.ts";

/** Selects the CPU backend and registers the fixes. */
export async function setupCpu(): Promise<void> {
  await tf.setBackend("cpu");
  await tf.ready();
  registerGradientFixes();
  patchCpuConv2DBackpropFilter();
}

/**
 * Reads every variable of a module into plain arrays keyed by checkpoint key.
 *
 * @param m Module.
 * @returns key → values.
 */
export function snapshot(
  m: { variables: tf.Variable[]; keys: string[] },
): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  m.variables.forEach((v, i) =>
    out.set(m.keys[i], v.dataSync() as Float32Array)
  );
  return out;
}
