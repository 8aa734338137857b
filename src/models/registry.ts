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
import type { VariantEntry } from "./types.ts";

/**
 * Every variant by id, in the canonical order: the one source of each
 * variant's facts. Besides the architecture, an entry carries
 * `costPerImage`, its relative training cost per image on the wasm backend:
 * the inverse of the images/s measured by `deno task perf` (mlp 1318,
 * cgan 866, dcgan 100, cdcgan 90, patchgan 65). A new variant is one entry
 * here; a missing fact fails to compile.
 */
export const VARIANT_REGISTRY = {
  mlp: { ...mlp, costPerImage: 1 },
  dcgan: { ...dcgan, costPerImage: 13 },
  cgan: { ...cgan, costPerImage: 1.5 },
  cdcgan: { ...cdcgan, costPerImage: 15 },
  patchgan: { ...patchgan, costPerImage: 20 },
} as const satisfies Record<string, VariantEntry>;

/** A variant id: a key of {@linkcode VARIANT_REGISTRY}. */
export type VariantId = keyof typeof VARIANT_REGISTRY;

/** The accepted variant ids, in the canonical order. */
export const VARIANT_IDS: readonly VariantId[] = Object.keys(
  VARIANT_REGISTRY,
) as VariantId[];

/** Every variant, in the canonical order. */
export const VARIANTS: readonly VariantEntry[] = Object.values(
  VARIANT_REGISTRY,
);

/**
 * Whether a text is a variant id.
 *
 * @param id The text, e.g. from a matrix spec.
 * @returns True when {@linkcode VARIANT_REGISTRY} has an entry `id`.
 * @example
 * ```ts
 * import { isVariantId } from "./registry.ts";
 * isVariantId("dcgan"); // true
 * isVariantId("DCGAN"); // false
 * ```
 */
export function isVariantId(id: string): id is VariantId {
  return Object.hasOwn(VARIANT_REGISTRY, id);
}

/**
 * Looks a variant up by id.
 *
 * @param id Variant id (`mlp`, `dcgan`, `cgan`, `cdcgan`, `patchgan`).
 * @returns The variant's registry entry.
 * @throws Error listing the accepted ids when `id` is unknown.
 * @example
 * ```ts
 * import { getVariant } from "./registry.ts";
 * getVariant("dcgan").conditional; // false
 * ```
 */
export function getVariant(id: string): VariantEntry {
  if (!isVariantId(id)) {
    throw new Error(
      `models/registry: unknown variant "${id}" (accepted: ${
        VARIANT_IDS.join(", ")
      })`,
    );
  }
  return VARIANT_REGISTRY[id];
}
