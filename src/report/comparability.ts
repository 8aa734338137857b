/**
 * Whether two runs may be compared: the same data sets (ids and data file
 * checksums), the same evaluator (id and weight MD5: FIDs from different
 * evaluators are never compared) and the same protocol (steps and their
 * budget unit, batch size, G's weight average, n_eval and the other
 * evaluation sizes) for every cell group on both sides. A mismatch is a {@linkcode CompareInputError}.
 *
 * @example
 * ```ts
 * import { checkComparable } from "./comparability.ts";
 * import type { RunData } from "./aggregate.ts";
 * import type { MatrixSpec } from "../spec/types.ts";
 * import assert from "node:assert/strict";
 * const run = (dir: string): RunData => ({
 *   dir,
 *   manifest: { specHash: "", spec: { name: "demo" } as MatrixSpec, cells: {} },
 *   summary: [],
 *   summaryColumns: [],
 *   configs: new Map(),
 * });
 * assert.throws(() => checkComparable(run("a"), run("b"), [], []), /a: summary.csv has no cells/);
 * ```
 *
 * @module
 */
import type { CellGroup, RunData } from "./aggregate.ts";
import { CompareInputError } from "./errors.ts";
import { shortHash } from "./compare_format.ts";
import type { CellConfig } from "../spec/types.ts";

/** The evaluation protocol shared by both sides, per data set. */
export interface ProtocolInfo {
  /** Data set id. */
  dataset: string;
  /** Evaluator id. */
  evaluator: string;
  /** Evaluator weight MD5. */
  evaluatorMd5: string;
  /** The protocol values (steps, batch size, n_eval, …) when uniform over the data set's cells. */
  values: Record<string, number | string>;
}

/** Settings that define the measurement protocol: they must match. */
const PROTOCOL_CONFIG: readonly (keyof CellConfig)[] = [
  "steps",
  "budget",
  "batchSize",
  "gEma",
  "nEval",
  "nEquilibrium",
  "nNeighbour",
  "nNeighbourPool",
  "nSsimPairs",
  "kidSubsets",
  "kidSubsetSize",
  "isSplits",
];

/**
 * What a protocol setting absent from a recorded config was: configs from
 * before `budget` existed counted G steps, and no `gEma` is the raw G.
 */
const ABSENT_MEANS: Partial<Record<keyof CellConfig, string>> = {
  budget: "g-steps",
  gEma: "0",
};

/**
 * The protocol of one cell group (from the CSV and the cells' configs):
 * evaluator, evaluator_md5, n_eval and {@linkcode PROTOCOL_CONFIG}, as text.
 *
 * @param run The run.
 * @param group One of its cell groups.
 * @returns The protocol values, by name.
 * @throws CompareInputError When the group's cells differ in one.
 */
function groupProtocol(run: RunData, group: CellGroup): Record<string, string> {
  const out: Record<string, string> = {};
  for (const row of group.rows) {
    const config = run.configs.get(row.cell);
    const values: Record<string, string> = {
      evaluator: row.evaluator ?? "",
      evaluator_md5: row.evaluator_md5 ?? "",
      n_eval: row.n_eval ?? "",
    };
    if (config) {
      for (const k of PROTOCOL_CONFIG) {
        values[k] = String(config[k] ?? ABSENT_MEANS[k] ?? "");
      }
    }
    for (const [k, v] of Object.entries(values)) {
      if (v === "") continue;
      if (out[k] !== undefined && out[k] !== v) {
        throw new CompareInputError(
          `${run.dir}: cells of ${group.key} differ in ${k} (${
            out[k]
          } vs ${v})`,
        );
      }
      out[k] = v;
    }
  }
  return out;
}

/** A JSON value with the keys of every object sorted (for comparing). */
function sortKeys(value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return value;
  }
  return Object.fromEntries(
    Object.keys(value).sort().map((k) => [
      k,
      sortKeys((value as Record<string, unknown>)[k]),
    ]),
  );
}

/** The data sets of groups, in order of first appearance. */
function datasetsOf(groups: readonly CellGroup[]): string[] {
  return [...new Set(groups.map((x) => x.dataset))];
}

/** Throws unless both runs cover the same data sets with the same files. */
function checkDatasets(
  base: RunData,
  cand: RunData,
  bd: readonly string[],
  cd: readonly string[],
): void {
  if (bd.slice().sort().join(",") !== cd.slice().sort().join(",")) {
    throw new CompareInputError(
      `${cand.dir}: different data sets from the baseline ${base.dir} (baseline: ${
        bd.join(", ")
      }; candidate: ${cd.join(", ")})`,
    );
  }
  // Same data set id, different files (e.g. another copy of MNIST).
  const bData = (base.manifest.data ?? {}) as Record<string, unknown>;
  const cData = (cand.manifest.data ?? {}) as Record<string, unknown>;
  for (const d of bd) {
    if (bData[d] === undefined || cData[d] === undefined) continue;
    const a = JSON.stringify(sortKeys(bData[d]));
    const b = JSON.stringify(sortKeys(cData[d]));
    if (a !== b) {
      throw new CompareInputError(
        `${cand.dir}: data set ${d} has different file checksums from the baseline ${base.dir} (manifest.json data.${d})`,
      );
    }
  }
}

/** Throws unless a group's baseline and candidate protocols agree. */
function checkGroupProtocol(
  base: RunData,
  cand: RunData,
  key: string,
  dataset: string,
  bp: Record<string, string>,
  cp: Record<string, string>,
): void {
  if (bp.evaluator !== cp.evaluator || bp.evaluator_md5 !== cp.evaluator_md5) {
    throw new CompareInputError(
      `${cand.dir}: evaluator of ${dataset} differs from the baseline ${base.dir} (baseline ${bp.evaluator} md5 ${
        shortHash(bp.evaluator_md5 ?? "?")
      }; candidate ${cp.evaluator} md5 ${
        shortHash(cp.evaluator_md5 ?? "?")
      }): FIDs from different evaluators are never compared`,
    );
  }
  const diffs = Object.keys({ ...bp, ...cp })
    .filter((k) => k !== "evaluator" && k !== "evaluator_md5")
    .filter((k) =>
      bp[k] !== undefined && cp[k] !== undefined && bp[k] !== cp[k]
    )
    .map((k) => `${k} ${bp[k]} vs ${cp[k]}`);
  if (diffs.length > 0) {
    throw new CompareInputError(
      `${cand.dir}: protocol of ${key} differs from the baseline ${base.dir} (baseline vs candidate: ${
        diffs.join(", ")
      })`,
    );
  }
}

/**
 * Checks the protocol of every group of one data set present on both
 * sides; returns the shared protocol, or undefined when no group matched.
 */
function datasetProtocol(
  base: RunData,
  cand: RunData,
  dataset: string,
  baseGroups: readonly CellGroup[],
  candByKey: ReadonlyMap<string, CellGroup>,
): ProtocolInfo | undefined {
  let shared: Record<string, string> | undefined;
  let uniform = true;
  for (const bg of baseGroups.filter((g) => g.dataset === dataset)) {
    const cg = candByKey.get(bg.key);
    if (!cg) continue;
    const bp = groupProtocol(base, bg);
    const cp = groupProtocol(cand, cg);
    checkGroupProtocol(base, cand, bg.key, dataset, bp, cp);
    if (shared === undefined) shared = bp;
    else if (JSON.stringify(shared) !== JSON.stringify(bp)) uniform = false;
  }
  if (!shared) return undefined;
  const { evaluator, evaluator_md5, ...rest } = shared;
  return {
    dataset,
    evaluator,
    evaluatorMd5: evaluator_md5,
    values: uniform
      ? Object.fromEntries(
        Object.entries(rest).map((
          [k, v],
        ) => [k, Number.isFinite(Number(v)) ? Number(v) : v]),
      )
      : {},
  };
}

/**
 * Checks that two runs are comparable: both have cells, the same data sets
 * with the same data files, and per cell group present on both sides the
 * same evaluator and protocol.
 *
 * @param base The baseline.
 * @param cand The candidate.
 * @param baseGroups The baseline's cell groups (see `groupCells`).
 * @param candGroups The candidate's cell groups.
 * @returns The protocol of each data set.
 * @throws CompareInputError One line naming the directory and the mismatch.
 */
export function checkComparable(
  base: RunData,
  cand: RunData,
  baseGroups: readonly CellGroup[],
  candGroups: readonly CellGroup[],
): ProtocolInfo[] {
  for (const run of [base, cand]) {
    if (run.summary.length === 0) {
      throw new CompareInputError(`${run.dir}: summary.csv has no cells`);
    }
  }
  const bd = datasetsOf(baseGroups);
  checkDatasets(base, cand, bd, datasetsOf(candGroups));
  const candByKey = new Map(candGroups.map((g) => [g.key, g]));
  const protocol: ProtocolInfo[] = [];
  for (const d of bd) {
    const p = datasetProtocol(base, cand, d, baseGroups, candByKey);
    if (p) protocol.push(p);
  }
  return protocol;
}
