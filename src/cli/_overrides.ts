/**
 * Command-line changes to a spec (`--datasets`, `--variants`, `--losses`,
 * `--seeds`, `--steps`, `--batch-size`, `--eval-every`, `--checkpoint-every`,
 * `--n-eval`).
 *
 * Axis flags **replace** the spec's axis: the cross product is rebuilt with
 * the given list, `include` entries are kept only when every value they name
 * is in the given lists, and `exclude` / `overrides` still apply. A value the
 * spec does not name is allowed (`quick --variants dcgan` runs dcgan with
 * every loss of `quick`). Numeric flags set that value for every cell: they
 * become a last override matching every cell, so they win over the spec's
 * own overrides. `--eval-every N` without `--checkpoint-every` also moves
 * each cell's checkpoint interval C, when it is not 0 or a multiple of N, to
 * the next multiple of N at or above C (the smallest interval that keeps
 * checkpoints on evaluation steps and never more frequent than the spec
 * asked; e.g. 500 → 1000 for N = 1000), as per-cell overrides. The result is
 * a new spec; its {@linkcode specHash} differs
 * from the original's whenever a flag changes the matrix, so a run directory
 * records exactly what ran.
 *
 * @module
 */
import type { ConfigPatch, MatrixSpec, Override } from "../spec/types.ts";
import { expandSpec } from "../spec/expand.ts";
import { ID_PATTERN } from "../spec/schema.ts";
import { parseSpec } from "../spec/spec.ts";

/** What the command line can change. */
export interface SpecFlags {
  /** Replaces `datasets`. */
  datasets?: string[];
  /** Replaces `variants`. */
  variants?: string[];
  /** Replaces `losses`. */
  losses?: string[];
  /** Replaces `seeds`. */
  seeds?: number[];
  /** Training steps of every cell. */
  steps?: number;
  /** Batch size of every cell. */
  batchSize?: number;
  /** Evaluation interval of every cell. */
  evalEvery?: number;
  /** Checkpoint interval of every cell (0 = never). */
  checkpointEvery?: number;
  /** Evaluation sample size of every cell. */
  nEval?: number;
}

/**
 * Applies command-line flags to a spec (see the module documentation).
 *
 * @param spec The spec from a profile or file.
 * @param flags The flags given; absent ones change nothing.
 * @returns A new validated spec; `spec` is not modified.
 * @throws Error One line naming the flag when a value is invalid (e.g. a
 *   negative `--steps`, an empty `--variants`).
 * @example
 * ```ts
 * import { applyOverrides } from "./_overrides.ts";
 * import { expandSpec } from "../spec/expand.ts";
 * const spec = {
 *   name: "t", datasets: ["mnist"], variants: ["mlp", "dcgan"], losses: ["ns"],
 *   seeds: [0], defaults: {}, overrides: [], include: [], exclude: [],
 * };
 * import assert from "node:assert/strict";
 * const cells = expandSpec(applyOverrides(spec, { variants: ["dcgan"], steps: 10 }));
 * assert.deepEqual(cells.map((c) => [c.id, c.config.steps]), [["mnist-dcgan-ns-s0", 10]]);
 * ```
 */
export function applyOverrides(spec: MatrixSpec, flags: SpecFlags): MatrixSpec {
  checkFlags(flags);
  const out: MatrixSpec = structuredClone(spec);
  if (out.tasks !== undefined) {
    // A translation spec: its axes are tasks × objectives (variant pix2pix).
    if (flags.variants !== undefined) {
      throw new Error(
        "--variants: a translation spec has no variant axis (its cells are pix2pix); use --datasets for tasks and --losses for objectives",
      );
    }
    if (flags.datasets !== undefined) out.tasks = [...flags.datasets];
    if (flags.losses !== undefined) out.objectives = [...flags.losses];
  } else {
    if (flags.datasets !== undefined) out.datasets = [...flags.datasets];
    if (flags.variants !== undefined) out.variants = [...flags.variants];
    if (flags.losses !== undefined) out.losses = [...flags.losses];
  }
  if (flags.seeds !== undefined) out.seeds = [...flags.seeds];
  out.include = out.include.filter((inc) =>
    (flags.datasets === undefined || inc.dataset === undefined ||
      flags.datasets.includes(inc.dataset)) &&
    (flags.variants === undefined || flags.variants.includes(inc.variant)) &&
    (flags.losses === undefined || flags.losses.includes(inc.loss))
  );
  const set: ConfigPatch = {};
  for (const key of Object.keys(NUMERIC_FLAGS) as (keyof SpecFlags)[]) {
    const value = flags[key];
    if (value !== undefined) {
      (set as Record<string, unknown>)[key] = value;
    }
  }
  const checkpoints = flags.evalEvery !== undefined &&
      flags.checkpointEvery === undefined
    ? checkpointOverrides(out, flags.evalEvery)
    : [];
  if (Object.keys(set).length > 0) out.overrides.push({ match: {}, set });
  out.overrides.push(...checkpoints);
  return parseSpec(out, `${spec.name} with command-line flags`);
}

/**
 * Overrides that move each cell's `checkpointEvery` C (when not 0 or a
 * multiple of `evalEvery`) to ⌈C / evalEvery⌉ · evalEvery: one per
 * (data set, variant, loss) when all its seeds get the same value, else
 * one per cell that changes.
 */
function checkpointOverrides(spec: MatrixSpec, evalEvery: number): Override[] {
  const triples = new Map<
    string,
    { match: Override["match"]; cells: [number, number, boolean][] }
  >();
  for (const cell of expandSpec(spec)) {
    const c = cell.config.checkpointEvery;
    const value = c === 0 || c % evalEvery === 0
      ? c
      : Math.ceil(c / evalEvery) * evalEvery;
    const key = JSON.stringify([cell.dataset, cell.variant, cell.loss]);
    const entry = triples.get(key) ??
      {
        match: {
          dataset: cell.dataset,
          variant: cell.variant,
          loss: cell.loss,
        },
        cells: [],
      };
    triples.set(key, entry);
    entry.cells.push([cell.seed, value, value !== c]);
  }
  const overrides: Override[] = [];
  for (const { match, cells } of triples.values()) {
    const changed = cells.filter(([, , change]) => change);
    if (changed.length === 0) continue;
    if (new Set(cells.map(([, value]) => value)).size === 1) {
      overrides.push({ match, set: { checkpointEvery: cells[0][1] } });
      continue;
    }
    for (const [seed, value] of changed) {
      overrides.push({
        match: { ...match, seed },
        set: { checkpointEvery: value },
      });
    }
  }
  return overrides;
}

/** Numeric flags: spec key → [flag, smallest value]. */
const NUMERIC_FLAGS: Record<string, [string, number]> = {
  steps: ["--steps", 1],
  batchSize: ["--batch-size", 1],
  evalEvery: ["--eval-every", 1],
  checkpointEvery: ["--checkpoint-every", 0],
  nEval: ["--n-eval", 2],
};

function checkFlags(flags: SpecFlags): void {
  for (const key of ["datasets", "variants", "losses"] as const) {
    const list = flags[key];
    if (list === undefined) continue;
    if (list.length === 0) {
      throw new Error(`--${key}: expected at least one id`);
    }
    const bad = list.find((v) => !ID_PATTERN.test(v));
    if (bad !== undefined) {
      throw new Error(
        `--${key}: expected ids (letters, digits, _ . -), got ${
          JSON.stringify(bad)
        }`,
      );
    }
    if (new Set(list).size !== list.length) {
      throw new Error(`--${key}: a value is given twice`);
    }
  }
  if (flags.seeds !== undefined) {
    if (flags.seeds.length === 0) {
      throw new Error("--seeds: expected at least one seed");
    }
    const bad = flags.seeds.find((s) =>
      !Number.isInteger(s) || s < 0 || s >= 2 ** 32
    );
    if (bad !== undefined) {
      throw new Error(`--seeds: expected integers in [0, 2^32), got ${bad}`);
    }
    if (new Set(flags.seeds).size !== flags.seeds.length) {
      throw new Error("--seeds: a seed is given twice");
    }
  }
  for (const [key, [flag, min]] of Object.entries(NUMERIC_FLAGS)) {
    const value = flags[key as keyof SpecFlags];
    if (value === undefined) continue;
    if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
      throw new Error(
        `${flag}: expected an integer >= ${min}, got ${String(value)}`,
      );
    }
  }
}
