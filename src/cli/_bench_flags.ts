/**
 * The flags of `ganbench bench` and its `--help` text (which lists the
 * built-in profiles found in the profile folder).
 *
 * @module
 */
import { formatHelp, UsageError } from "./_args.ts";
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
    description:
      "training budget per cell, in the cells' budget unit (D steps by default; all cells)",
  },
  "batch-size": {
    type: "integer",
    min: 1,
    description: "images per batch (all cells)",
  },
  "eval-every": {
    type: "integer",
    min: 1,
    description:
      "evaluate every N budget units (D steps by default; all cells); a cell whose checkpoint interval is not a multiple of N then checkpoints at the next multiple of N at or above it (e.g. 500 → 1000 with --eval-every 1000), unless --checkpoint-every is given",
  },
  "checkpoint-every": {
    type: "integer",
    min: 0,
    description:
      "checkpoint every N budget units (all cells); 0 = never, else a multiple of the evaluation interval",
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
    valueName: "inception|inception-tf1|FILE",
    description:
      "score with the FID Inception-v3 (pytorch-fid input convention, or TF1/torch-fidelity's) or an external TF.js evaluator file instead of the shipped classifier",
  },
  "inception-weights": {
    type: "string",
    valueName: "FILE",
    description:
      "pytorch-fid's pt_inception-2015-12-05-6726825d.pth (default: $GANBENCH_INCEPTION_WEIGHTS, else .cache/ganbench/inception/, else downloaded once and verified)",
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

/**
 * Parses `--jobs`: a positive integer or `auto`.
 *
 * @param text The flag's value.
 * @returns The number of jobs, or `auto`.
 * @throws UsageError naming `--jobs` for anything else.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseJobs } from "./_bench_flags.ts";
 * assert.equal(parseJobs("4"), 4);
 * assert.equal(parseJobs("auto"), "auto");
 * assert.throws(() => parseJobs("0"), /^UsageError: --jobs: expected a positive integer or 'auto', got '0'$/);
 * ```
 */
export function parseJobs(text: string): number | "auto" {
  if (text === "auto") return "auto";
  if (/^\d+$/.test(text) && Number(text) >= 1) return Number(text);
  throw new UsageError(
    `--jobs: expected a positive integer or 'auto', got '${text}'`,
  );
}
