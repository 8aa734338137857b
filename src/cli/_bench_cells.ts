/**
 * The cells `ganbench bench` runs: the profile or spec file, narrowed and
 * overridden by the flags, validated, and sharded with `--shard`. Bad flag
 * values and invalid specs are usage errors (exit 2) naming the flag or the
 * cells, raised before anything runs (also under `--dry-run`): `--jobs`,
 * `--data-dir`, and batch and evaluation sizes against the data set splits
 * are checked here too.
 *
 * @module
 */
import { UsageError } from "./_args.ts";
import type { BenchValues } from "./_bench_flags.ts";
import {
  DATASET_IDS,
  DATASET_REGISTRY,
  isDatasetId,
} from "../data/registry.ts";
import { parseJobs } from "./_bench_flags.ts";
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
import { isInceptionSetting } from "../metrics/evaluators/inception/load.ts";

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
  parseJobs(values.jobs);
  await checkDirectory("--data-dir", values["data-dir"]);
  const spec = await resolveSpec(values.profile).catch((error) => {
    throw new UsageError(`--profile: ${errorText(error)}`);
  });
  try {
    return await resolveCells(spec, values);
  } catch (error) {
    // Overrides, expansion and validation name the flag or the cells.
    if (error instanceof UsageError) throw error;
    throw new UsageError(errorText(error));
  }
}

/**
 * `Deno.stat(path)`, or undefined when nothing is there; any other failure
 * (e.g. no read permission) is a usage error starting with `what`.
 */
async function statOf(
  path: string,
  what: string,
): Promise<Deno.FileInfo | undefined> {
  try {
    return await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw new UsageError(`${what}: cannot read (${errorText(error)})`);
  }
}

/** Throws unless `path` (when given) is a directory. */
async function checkDirectory(
  flag: string,
  path: string | undefined,
): Promise<void> {
  if (path === undefined) return;
  const info = await statOf(path, `${flag}: ${path}`);
  if (!info) throw new UsageError(`${flag}: ${path}: no such directory`);
  if (!info.isDirectory) {
    throw new UsageError(`${flag}: ${path}: not a directory`);
  }
}

/** The cells of `spec` under the flags (see {@linkcode benchCells}). */
async function resolveCells(
  base: MatrixSpec,
  values: BenchValues,
): Promise<BenchCells> {
  let spec = base;
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
    checkpointEvery: values["checkpoint-every"],
    nEval: values["n-eval"],
  });
  if (values.evaluator !== undefined && isInceptionSetting(values.evaluator)) {
    spec = applyEvaluator(spec, values.evaluator);
  } else if (values.evaluator !== undefined) {
    const evaluator = values.evaluator;
    const info = await statOf(evaluator, `--evaluator: ${evaluator}`);
    if (!info) {
      throw new UsageError(`--evaluator: ${evaluator}: file not found`);
    }
    if (!info.isFile) {
      throw new UsageError(
        `--evaluator: ${evaluator}: not a file (give the model.json)`,
      );
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
    splitSizes: (id) =>
      isDatasetId(id) ? DATASET_REGISTRY[id].splits : undefined,
  });
  await checkEvaluatorFiles(all);
  if (values.shard === undefined) return { spec, all, cells: all };
  let shard: { index: number; count: number };
  try {
    shard = parseShard(values.shard);
  } catch (error) {
    throw new UsageError(`--shard: ${errorText(error)}`);
  }
  return { spec, all, cells: shardCells(all, shard.index, shard.count), shard };
}

/**
 * Throws unless every external evaluator a cell names (a spec's
 * `evaluator` path) is a file, so that a wrong path stops the run before
 * anything is written rather than when its first cell starts.
 */
async function checkEvaluatorFiles(cells: readonly Cell[]): Promise<void> {
  const paths = new Map<string, Cell>();
  for (const cell of cells) {
    const path = cell.config.evaluator;
    if (path === "default" || isInceptionSetting(path)) continue;
    if (!paths.has(path)) paths.set(path, cell);
  }
  for (const [path, cell] of paths) {
    const info = await statOf(path, `${cell.id}: evaluator ${path}`);
    if (!info?.isFile) {
      throw new UsageError(
        `${cell.id}: evaluator ${path}: ${
          info ? "not a file (give the model.json)" : "file not found"
        }`,
      );
    }
  }
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
