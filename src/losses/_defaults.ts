/**
 * Default optimizer specs shared by several losses.
 *
 * @module
 */
import type { OptimizerSpec } from "./optimizers.ts";

/**
 * Adam 2e-4, β = (0.5, 0.999) (DCGAN).
 *
 * @returns A fresh spec.
 */
export function adamDcgan(): OptimizerSpec {
  return { name: "adam", learningRate: 2e-4, beta1: 0.5, beta2: 0.999 };
}
