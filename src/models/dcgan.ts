/**
 * `dcgan`: DCGAN (Radford et al. 2016) for 32×32×C images.
 *
 * G: z100 → convT 4×4×256 → 8×8×128 → 16×16×64 → 32×32×C (k4, s2), BN +
 * ReLU, tanh. D: conv k4 s2 C→64 (no BN) → 128 BN → 256 BN → conv k4 valid
 * to 1×1, LeakyReLU 0.2. Weights N(0, 0.02).
 *
 * @module
 */
import { dcganFamily } from "./_dcgan_family.ts";
import type { Variant } from "./types.ts";

/**
 * The `dcgan` variant.
 *
 * @example
 * ```ts
 * import { dcgan } from "./dcgan.ts";
 * const { generator, discriminator } = dcgan.build({
 *   shape: { height: 32, width: 32, channels: 3 }, numClasses: 10, seed: 1, criticNorm: "batchnorm",
 * });
 * ```
 */
export const dcgan: Variant = dcganFamily({
  id: "dcgan",
  conditional: false,
  critic: "dcgan",
});
