/**
 * `patchgan`: DCGAN generator with a PatchGAN discriminator (pix2pix N-layer,
 * k4) that outputs a 6×6 score map for 32×32 inputs; losses average over the
 * patches.
 *
 * @module
 */
import { dcganFamily } from "./_dcgan_family.ts";
import type { Variant } from "./types.ts";

/**
 * The `patchgan` variant.
 *
 * @example
 * ```ts
 * import { patchgan } from "./patchgan.ts";
 * const { config } = patchgan.build({
 *   shape: { height: 32, width: 32, channels: 3 }, numClasses: 10, seed: 1, criticNorm: "batchnorm",
 * });
 * config.dOutput; // { patch: [6, 6] }
 * ```
 */
export const patchgan: Variant = dcganFamily({
  id: "patchgan",
  conditional: false,
  critic: "patch",
});
