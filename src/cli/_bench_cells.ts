/**
 * The cells `ganbench bench` runs: the profile or spec file, narrowed and
 * overridden by the flags, validated, and sharded with `--shard`. Bad flag
 * values are usage errors naming the flag.
 *
 * @module
 */
import { UsageError } from "./_args.ts";
import type { BenchValues } from "./_bench_flags.ts";
import { DATASET_IDS } from "../data/registry.ts";
import { VARIANT_IDS } from "../models/registry.ts";
import { getLoss, LOSS_IDS } from "../losses/registry.ts";
import type { Cell, MatrixSpec } from "../spec/types.ts";
import { applyOverrides } from "./_overrides.ts";
import { expandSpec } from "../spec/expand.ts";
import { validateCells } from "../spec/validate.ts";
import { parseShard, shardCells } from "../spec/shard.ts";
import { resolveSpec } from "../spec/profiles.ts";
import { compatibility } from "../spec/compatibility.ts";
import { errorText } from "../util/errors.ts";

/** The matrix of a `bench` command line. */
export interface BenchCells {
  /** The spec after the flags' overrides. */
  spec: MatrixSpec;
  /** Every cell of the spec. */
  all: Cell[];
  /** The cells to run (all, or the shard's). */
  cells: Cell[];
  /** The shard, with `--shard`. */
  shard?: { index: number; count: number };
}

/**
 * Resolves the spec and cells of a `bench` command line. Every invalid
 * combination of the matrix is reported at once, before anything runs.
 *
 * @param values The parsed flags.
 * @returns The spec, all its cells and the cells to run.
 * @throws UsageError naming the flag when a value is invalid.
 * @example
 * ```ts
 * import { parseFlags } from "./_args.ts";
 * import { BENCH_FLAGS } from "./_bench_flags.ts";
 * import { benchCells } from "./_bench_cells.ts";
 * const { values } = parseFlags(["--profile", "smoke"], BENCH_FLAGS);
 * const { cells } = await benchCells(values);
 * ```
 */
export async function benchCells(values: BenchValues): Promise<BenchCells> {
  let spec = await resolveSpec(values.profile).catch((error) => {
    throw new UsageError(`--profile: ${errorText(error)}`);
  });
  const seeds = values.seeds?.map((s) => {
    if (!/^\d+$/.test(s)) {
      throw new UsageError(`--seeds: '${s}' is not a non-negative integer`);
    }
    return Number(s);
  });
  spec = applyOverrides(spec, {
    datasets: values.datasets,
    variants: values.variants,
    losses: values.losses,
    seeds,
    steps: values.steps,
    batchSize: values["batch-size"],
    evalEvery: values["eval-every"],
    nEval: values["n-eval"],
  });
  if (values.evaluator !== undefined) {
    const evaluator = values.evaluator;
    try {
      await Deno.stat(evaluator);
    } catch {
      throw new UsageError(`--evaluator: ${evaluator}: file not found`);
    }
    spec = applyEvaluator(spec, evaluator);
  }
  const all = expandSpec(spec);
  validateCells(all, {
    datasets: DATASET_IDS,
    variants: VARIANT_IDS,
    losses: LOSS_IDS,
    isCompatible: compatibility,
    lossDefaults: getLoss,
  });
  if (values.shard === undefined) return { spec, all, cells: all };
  let shard: { index: number; count: number };
  try {
    shard = parseShard(values.shard);
  } catch (error) {
    throw new UsageError(`--shard: ${errorText(error)}`);
  }
  return { spec, all, cells: shardCells(all, shard.index, shard.count), shard };
}

/** Makes every cell use the external evaluator at `path` (a final override). */
function applyEvaluator(spec: MatrixSpec, path: string): MatrixSpec {
  return {
    ...spec,
    overrides: [...(spec.overrides ?? []), {
      match: {},
      set: { evaluator: path },
    }],
  };
}
