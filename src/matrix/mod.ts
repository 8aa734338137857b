/**
 * Matrix specs: profiles and spec files → validated cells in a fixed order,
 * command-line overrides, sharding, spec hashes, manifests and merging of
 * shard directories.
 *
 * @example
 * ```ts
 * import { expandSpec, loadProfile, shardCells, specHash } from "./mod.ts";
 * const spec = await loadProfile("quick");
 * const cells = expandSpec(spec);          // mnist-mlp-minimax-s0, …, mnist-dcgan-ns-s0
 * const mine = shardCells(cells, 1, 2);    // every other cell
 * const hash = specHash(spec);             // stored in manifest.json
 * ```
 *
 * @module
 */
export type {
  Cell,
  CellConfig,
  CellPattern,
  ConfigPatch,
  CriticNormChoice,
  IncludeCell,
  MatrixSpec,
  OptimizerOverride,
  OptimizerOverrides,
  Override,
} from "./types.ts";
export {
  BUILTIN_CONFIG,
  CONFIG_KEYS,
  loadSpecFile,
  mergeConfig,
  parseSpec,
} from "./spec.ts";
export { cellId, expandSpec, matchesPattern } from "./expand.ts";
export {
  type AcceptedIds,
  findCellProblems,
  validateCells,
} from "./validate.ts";
export { applyOverrides, type SpecFlags } from "./overrides.ts";
export { canonicalJson, specHash } from "./hash.ts";
export { parseShard, type Shard, shardCells } from "./shard.ts";
export {
  listProfiles,
  loadProfile,
  PROFILE_DIR,
  resolveSpec,
} from "./profiles.ts";
export {
  type CellRecord,
  type CellStatus,
  type Manifest,
  MANIFEST_FILE,
  newManifest,
  readManifest,
  writeManifest,
} from "./manifest.ts";
export {
  type MergePlan,
  type MergeResult,
  mergeRuns,
  planMerge,
  type RunData,
} from "./merge.ts";
