/**
 * The registry of losses by id, loss overrides, and the variant × loss
 * compatibility rules (`resolvePair`).
 *
 * @module
 */
import { getVariant } from "../models/registry.ts";
import type { CriticNorm, ImageShape } from "../models/types.ts";
import { hinge } from "./hinge.ts";
import { lsgan } from "./lsgan.ts";
import { minimax } from "./minimax.ts";
import { ns } from "./ns.ts";
import type { Loss, LossOverrides } from "./types.ts";
import { wgan } from "./wgan.ts";
import { wganGp } from "./wgan_gp.ts";

/**
 * Every loss by id, in the canonical order: the one source of each loss's
 * facts (formulas, training defaults, probability flag, equilibrium D loss).
 * A new loss is one entry here; a missing fact fails to compile.
 */
export const LOSS_REGISTRY = {
  minimax,
  ns,
  lsgan,
  wgan,
  "wgan-gp": wganGp,
  hinge,
} as const satisfies Record<string, Loss>;

/** A loss id: a key of {@linkcode LOSS_REGISTRY}. */
export type LossId = keyof typeof LOSS_REGISTRY;

/** The accepted loss ids, in the canonical order. */
export const LOSS_IDS: readonly LossId[] = Object.keys(
  LOSS_REGISTRY,
) as LossId[];

/** Every loss, in the canonical order. */
export const LOSSES: readonly Loss[] = Object.values(LOSS_REGISTRY);

/**
 * Whether a text is a loss id.
 *
 * @param id The text, e.g. from a matrix spec.
 * @returns True when {@linkcode LOSS_REGISTRY} has an entry `id`.
 * @example
 * ```ts
 * import { isLossId } from "./registry.ts";
 * isLossId("wgan-gp"); // true
 * isLossId("wgan_gp"); // false
 * ```
 */
export function isLossId(id: string): id is LossId {
  return Object.hasOwn(LOSS_REGISTRY, id);
}

/**
 * Looks a loss up by id and applies overrides.
 *
 * @param id Loss id (`minimax`, `ns`, `lsgan`, `wgan`, `wgan-gp`, `hinge`).
 * @param overrides Replacement n_critic / clip / penalty weight / optimizer fields.
 * @returns A new loss object (the registry entry is not modified).
 * @throws Error listing the accepted ids when `id` is unknown, or naming a
 * bad override.
 * @example
 * ```ts
 * import { getLoss } from "./registry.ts";
 * const l = getLoss("wgan-gp", { nCritic: 3 });
 * l.nCritic; // 3
 * ```
 */
export function getLoss(id: string, overrides: LossOverrides = {}): Loss {
  if (!isLossId(id)) {
    throw new Error(
      `losses/registry: unknown loss "${id}" (accepted: ${
        LOSS_IDS.join(", ")
      })`,
    );
  }
  const base: Loss = LOSS_REGISTRY[id];
  const loss: Loss = { ...base, optimizer: { ...base.optimizer } };
  if (overrides.nCritic !== undefined) {
    if (!Number.isInteger(overrides.nCritic) || overrides.nCritic < 1) {
      throw new Error(
        `losses/registry: nCritic must be an integer ≥ 1, got ${overrides.nCritic}`,
      );
    }
    loss.nCritic = overrides.nCritic;
  }
  if (overrides.clip !== undefined) {
    if (base.clip === undefined) {
      throw new Error(
        `losses/registry: loss "${id}" does not clip weights; clip override refused`,
      );
    }
    if (!(overrides.clip > 0)) {
      throw new Error(
        `losses/registry: clip must be > 0, got ${overrides.clip}`,
      );
    }
    loss.clip = overrides.clip;
  }
  if (overrides.gradientPenalty !== undefined) {
    if (base.gradientPenalty === undefined) {
      throw new Error(
        `losses/registry: loss "${id}" has no gradient penalty; gradientPenalty override refused`,
      );
    }
    if (!(overrides.gradientPenalty >= 0)) {
      throw new Error(
        `losses/registry: gradientPenalty must be ≥ 0, got ${overrides.gradientPenalty}`,
      );
    }
    loss.gradientPenalty = overrides.gradientPenalty;
  }
  if (overrides.optimizer) {
    loss.optimizer = { ...loss.optimizer, ...overrides.optimizer };
  }
  return loss;
}

/** Options of {@linkcode resolvePair}. */
export interface ResolveOptions {
  /** D normalisation requested by the user (default: the variant's). */
  criticNorm?: CriticNorm;
  /** Image shape to check against the variant. */
  shape?: ImageShape;
}

/** How a variant × loss pair will be built. */
export interface PairResolution {
  /** The normalisation to pass to `Variant.build`. */
  criticNorm: CriticNorm;
  /** Human-readable deviations from the reference, for the run config. */
  substitutions: string[];
}

const NORM_NAME: Record<CriticNorm, string> = {
  batchnorm: "BatchNorm",
  layernorm: "LayerNorm",
  none: "no norm",
};

/**
 * Resolves a variant × loss pair: picks D's normalisation and records any
 * substitution, or refuses the pair with a clear error before anything runs.
 * A gradient penalty is per sample, so a penalised critic must not use
 * BatchNorm: BatchNorm critics get LayerNorm instead; an explicit request for
 * BatchNorm with a penalty is refused.
 *
 * @param variantId Variant id.
 * @param lossId Loss id.
 * @param options Requested critic normalisation, image shape.
 * @returns The normalisation and the substitutions.
 * @throws Error for unknown ids (listing the accepted ones), unsupported
 * shapes, or incompatible requests.
 * @example
 * ```ts
 * import { resolvePair } from "./registry.ts";
 * resolvePair("dcgan", "wgan-gp");
 * // { criticNorm: "layernorm", substitutions: ["D BatchNorm → LayerNorm (gradient penalty)"] }
 * ```
 */
export function resolvePair(
  variantId: string,
  lossId: string,
  options: ResolveOptions = {},
): PairResolution {
  const variant = getVariant(variantId);
  const loss = getLoss(lossId);
  if (options.shape && !variant.supports(options.shape)) {
    const s = options.shape;
    throw new Error(
      `losses/registry: variant "${variantId}" does not support ${s.height}×${s.width}×${s.channels} images (supports ${variant.supportsText})`,
    );
  }
  const reference = variant.defaultCriticNorm;
  const requested = options.criticNorm;
  if (
    requested !== undefined &&
    !["batchnorm", "layernorm", "none"].includes(requested)
  ) {
    throw new Error(
      `losses/registry: criticNorm must be batchnorm, layernorm or none, got ${requested}`,
    );
  }
  if (loss.gradientPenalty !== undefined) {
    if (requested === "batchnorm") {
      throw new Error(
        `losses/registry: ${variantId} × ${lossId} refused: a gradient-penalty critic must not use BatchNorm (use criticNorm layernorm or none)`,
      );
    }
    const criticNorm: CriticNorm = requested ??
      (reference === "batchnorm" ? "layernorm" : reference);
    const substitutions = criticNorm === reference ? [] : [
      `D ${NORM_NAME[reference]} → ${NORM_NAME[criticNorm]} (${
        requested ? "requested; " : ""
      }gradient penalty)`,
    ];
    return { criticNorm, substitutions };
  }
  const criticNorm = requested ?? reference;
  const substitutions = criticNorm === reference
    ? []
    : [`D ${NORM_NAME[reference]} → ${NORM_NAME[criticNorm]} (requested)`];
  return { criticNorm, substitutions };
}
