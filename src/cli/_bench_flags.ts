/**
 * The flags of `ganbench bench` and its `--help` text (which lists the
 * built-in profiles found in the profile folder).
 *
 * @module
 */
import { formatHelp } from "./_args.ts";
import type { FlagSpecs, FlagValuesOf } from "./_args.ts";
import { BACKEND_CHOICES } from "../backend/mod.ts";
import { DATASET_IDS } from "../data/registry.ts";
import { VARIANT_IDS } from "../models/registry.ts";
import { LOSS_IDS } from "../losses/registry.ts";
import { listProfiles } from "../spec/profiles.ts";

/** The flags of `bench`. */
export const BENCH_FLAGS = {
  profile: {
    type: "string",
    valueName: "NAME|FILE",
    default: "quick",
    description: "built-in profile or a JSON spec file",
  },
  datasets: {
    type: "list",
    choices: DATASET_IDS,
    valueName: "LIST",
    description: `replace the data set axis (${DATASET_IDS.join(", ")})`,
  },
  variants: {
    type: "list",
    choices: VARIANT_IDS,
    valueName: "LIST",
    description: `replace the variant axis (${VARIANT_IDS.join(", ")})`,
  },
  losses: {
    type: "list",
    choices: LOSS_IDS,
    valueName: "LIST",
    description: `replace the loss axis (${LOSS_IDS.join(", ")})`,
  },
  seeds: {
    type: "list",
    valueName: "LIST",
    description: "replace the seed axis, e.g. 0,1,2",
  },
  steps: {
    type: "integer",
    min: 1,
    description: "G steps per cell (all cells)",
  },
  "batch-size": {
    type: "integer",
    min: 1,
    description: "images per batch (all cells)",
  },
  "eval-every": {
    type: "integer",
    min: 1,
    description: "evaluate every N G steps (all cells)",
  },
  "n-eval": {
    type: "integer",
    min: 2,
    description: "generated images for FID/IS/KID (all cells)",
  },
  backend: {
    type: "choice",
    choices: BACKEND_CHOICES,
    default: "auto",
    description: "TF.js backend",
  },
  out: {
    type: "string",
    valueName: "DIR",
    description: "results directory (default results/<profile>)",
  },
  shard: {
    type: "string",
    valueName: "I/N",
    description: "run the I-th of N deterministic shards of the cells",
  },
  jobs: {
    type: "string",
    valueName: "N|auto",
    default: "auto",
    description:
      "cells run at once, each in its own process (auto: one per CPU core on the single-threaded wasm/cpu backends, else 1)",
  },
  "data-dir": {
    type: "string",
    valueName: "DIR",
    description: "directory with the official data files",
  },
  evaluator: {
    type: "string",
    valueName: "MODEL.json",
    description:
      "an external TF.js evaluator (e.g. a converted Inception-v3) instead of the shipped one",
  },
  "dry-run": { type: "boolean", description: "list the cells and exit" },
} as const satisfies FlagSpecs;

/** The parsed flags of `bench`. */
export type BenchValues = FlagValuesOf<typeof BENCH_FLAGS>;

/**
 * The `--help` text of `bench`, naming the built-in profiles.
 *
 * @returns The help text.
 * @example
 * ```ts
 * import { benchHelp } from "./_bench_flags.ts";
 * console.log(await benchHelp());
 * ```
 */
export async function benchHelp(): Promise<string> {
  const profiles = await listProfiles();
  return formatHelp(
    "ganbench bench [flags]",
    "Trains every cell (data set × variant × loss × seed) of a profile or spec, evaluates it every --eval-every steps and writes manifest.json, metrics.csv, summary.csv and PNG grids. Rerunning into the same --out resumes.",
    {
      ...BENCH_FLAGS,
      profile: {
        ...BENCH_FLAGS.profile,
        description: `built-in profile (${
          profiles.join(", ")
        }) or a JSON spec file`,
      },
    },
  );
}
