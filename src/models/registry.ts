/**
 * The registry of GAN variants by id.
 *
 * @module
 */
import { cdcgan } from "./cdcgan.ts";
import { cgan } from "./cgan.ts";
import { dcgan } from "./dcgan.ts";
import { mlp } from "./mlp.ts";
import { patchgan } from "./patchgan.ts";
import type { Variant } from "./types.ts";

/** Every variant, in the canonical order. */
export const VARIANTS: readonly Variant[] = [
  mlp,
  dcgan,
  cgan,
  cdcgan,
  patchgan,
];

/** The accepted variant ids. */
export const VARIANT_IDS: readonly string[] = VARIANTS.map((v) => v.id);

/**
 * Looks a variant up by id.
 *
 * @param id Variant id (`mlp`, `dcgan`, `cgan`, `cdcgan`, `patchgan`).
 * @returns The variant.
 * @throws Error listing the accepted ids when `id` is unknown.
 * @example
 * ```ts
 * import { getVariant } from "./registry.ts";
 * getVariant("dcgan").conditional; // false
 * ```
 */
export function getVariant(id: string): Variant {
  const v = VARIANTS.find((v) => v.id === id);
  if (!v) {
    throw new Error(
      `models/registry: unknown variant "${id}" (accepted: ${
        VARIANT_IDS.join(", ")
      })`,
    );
  }
  return v;
}
