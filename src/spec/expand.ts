/**
 * Expansion of a matrix spec into its cells, in a fixed order.
 *
 * The (data set, variant, loss) triples are the cross product
 * `datasets × variants × losses` plus every `include` entry (crossed with
 * every data set when it names none), minus duplicates. They are sorted by
 * data set, then variant, then loss, each in spec order — a value that
 * appears only in `include` comes after the spec's own values, in the order
 * of first appearance — and each triple is crossed with `seeds` (in spec
 * order). Cells matching an `exclude` pattern are then removed. Settings
 * are the built-in defaults, then `defaults`, then every matching
 * `overrides` entry in order.
 *
 * @module
 */
import type { Cell, CellPattern, MatrixSpec } from "./types.ts";
import { BUILTIN_CONFIG, mergeConfig } from "./defaults.ts";
import { expandTranslationSpec } from "./translation_expand.ts";

/**
 * The id of a cell: `<dataset>-<variant>-<loss>-s<seed>`.
 *
 * @param dataset Data set id.
 * @param variant Variant id.
 * @param loss Loss id.
 * @param seed Seed.
 * @returns The id, e.g. `mnist-mlp-wgan-gp-s0`.
 * @example
 * ```ts
 * import { cellId } from "./expand.ts";
 * import assert from "node:assert/strict";
 * assert.equal(cellId("mnist", "mlp", "ns", 0), "mnist-mlp-ns-s0");
 * ```
 */
export function cellId(
  dataset: string,
  variant: string,
  loss: string,
  seed: number,
): string {
  return `${dataset}-${variant}-${loss}-s${seed}`;
}

function matchesOne<T>(value: T, want: T | T[] | undefined): boolean {
  if (want === undefined) return true;
  return Array.isArray(want) ? want.includes(value) : want === value;
}

/**
 * Whether a cell's axis values match a pattern.
 *
 * @param pattern The pattern (absent fields match anything).
 * @param cell The axis values.
 * @returns True when every present field matches.
 * @example
 * ```ts
 * import { matchesPattern } from "./expand.ts";
 * import assert from "node:assert/strict";
 * const cell = { dataset: "mnist", variant: "dcgan", loss: "ns", seed: 0 };
 * assert.equal(matchesPattern({ variant: ["dcgan", "cdcgan"] }, cell), true);
 * assert.equal(matchesPattern({ variant: "dcgan", seed: 1 }, cell), false);
 * ```
 */
export function matchesPattern(
  pattern: CellPattern,
  cell: { dataset: string; variant: string; loss: string; seed: number },
): boolean {
  return matchesOne(cell.dataset, pattern.dataset) &&
    matchesOne(cell.variant, pattern.variant) &&
    matchesOne(cell.loss, pattern.loss) &&
    matchesOne(cell.seed, pattern.seed);
}

function appendNew(order: string[], value: string): void {
  if (!order.includes(value)) order.push(value);
}

/**
 * Expands a spec into its cells in the deterministic order described in
 * the module documentation.
 *
 * A spec of the translation form (`tasks` × `objectives`) expands as
 * `expandTranslationSpec` describes.
 *
 * @param spec A validated spec (see `parseSpec`).
 * @returns The cells; ids are unique.
 * @throws Error One line naming the spec when it yields no cells, two cells
 *   share an id, or a cell's `checkpointEvery` is not 0 or a multiple of its
 *   `evalEvery` (every such cell is listed).
 * @example
 * ```ts
 * import { expandSpec } from "./expand.ts";
 * import assert from "node:assert/strict";
 * const cells = expandSpec({
 *   name: "t", datasets: ["mnist"], variants: ["mlp"], losses: ["ns", "hinge"],
 *   seeds: [0, 1], defaults: {}, include: [], exclude: [],
 *   overrides: [{ match: { loss: "hinge" }, set: { steps: 20 } }],
 * });
 * assert.deepEqual(cells.map((c) => c.id), [
 *   "mnist-mlp-ns-s0", "mnist-mlp-ns-s1", "mnist-mlp-hinge-s0", "mnist-mlp-hinge-s1",
 * ]);
 * assert.deepEqual(cells.map((c) => c.config.steps), [1000, 1000, 20, 20]);
 * ```
 */
export function expandSpec(spec: MatrixSpec): Cell[] {
  if (spec.tasks !== undefined) return expandTranslationSpec(spec);
  const datasetOrder = [...spec.datasets];
  const variantOrder = [...spec.variants];
  const lossOrder = [...spec.losses];
  for (const inc of spec.include) {
    if (inc.dataset !== undefined) appendNew(datasetOrder, inc.dataset);
    appendNew(variantOrder, inc.variant);
    appendNew(lossOrder, inc.loss);
  }
  const triples = new Map<string, [string, string, string]>();
  const add = (d: string, v: string, l: string) => {
    triples.set(JSON.stringify([d, v, l]), [d, v, l]);
  };
  for (const d of spec.datasets) {
    for (const v of spec.variants) {
      for (const l of spec.losses) add(d, v, l);
    }
  }
  for (const inc of spec.include) {
    for (const d of inc.dataset !== undefined ? [inc.dataset] : spec.datasets) {
      add(d, inc.variant, inc.loss);
    }
  }
  const sorted = [...triples.values()].sort((a, b) =>
    datasetOrder.indexOf(a[0]) - datasetOrder.indexOf(b[0]) ||
    variantOrder.indexOf(a[1]) - variantOrder.indexOf(b[1]) ||
    lossOrder.indexOf(a[2]) - lossOrder.indexOf(b[2])
  );
  const base = mergeConfig({ ...BUILTIN_CONFIG }, spec.defaults);
  const cells: Cell[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const [dataset, variant, loss] of sorted) {
    for (const seed of spec.seeds) {
      const axes = { dataset, variant, loss, seed };
      if (spec.exclude.some((p) => matchesPattern(p, axes))) continue;
      let config = structuredClone(base);
      for (const o of spec.overrides) {
        if (matchesPattern(o.match, axes)) config = mergeConfig(config, o.set);
      }
      const id = cellId(dataset, variant, loss, seed);
      if (seen.has(id)) {
        problems.push(`two cells share the id ${id}`);
      }
      seen.add(id);
      if (
        config.checkpointEvery !== 0 &&
        config.checkpointEvery % config.evalEvery !== 0
      ) {
        problems.push(
          `${id}: checkpointEvery (${config.checkpointEvery}) must be 0 or a multiple of evalEvery (${config.evalEvery})`,
        );
      }
      cells.push({ id, dataset, variant, loss, seed, config });
    }
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 10);
    if (problems.length > shown.length) {
      shown.push(`… and ${problems.length - shown.length} more`);
    }
    throw new Error(`spec ${spec.name}: ${shown.join("; ")}`);
  }
  if (cells.length === 0) {
    throw new Error(`spec ${spec.name}: the matrix has no cells`);
  }
  return cells;
}
