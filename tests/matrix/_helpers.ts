/**
 * Shared test helpers of the matrix tests.
 *
 * @module
 */
import type { MatrixSpec } from "../../src/spec/types.ts";

/**
 * A small valid spec, with fields replaced by `patch`.
 *
 * @param patch Fields to replace.
 * @returns The spec.
 */
export function tinySpec(patch: Partial<MatrixSpec> = {}): MatrixSpec {
  return {
    name: "tiny",
    datasets: ["mnist"],
    variants: ["mlp", "dcgan"],
    losses: ["ns", "hinge"],
    seeds: [0, 1],
    defaults: { steps: 10, evalEvery: 5, checkpointEvery: 5 },
    overrides: [],
    include: [],
    exclude: [],
    ...patch,
  };
}

/** The ids of the zoo, as the registries will accept them. */
export const ZOO = {
  datasets: ["mnist", "fashion", "cifar10", "synthetic"],
  variants: ["mlp", "dcgan", "cgan", "cdcgan", "patchgan"],
  losses: ["minimax", "ns", "lsgan", "wgan", "wgan-gp", "hinge"],
};
