/**
 * Expansion of a translation spec (`tasks` × `objectives` × `seeds`) into
 * cells on the zoo's identity columns: `dataset` = task, `variant` =
 * {@linkcode TRANSLATION_VARIANT}, `loss` = objective, so that the results
 * directory, `report`, `compare` and `merge` treat them like any cell. The
 * order is task, then objective, then seed, each in spec order; settings are
 * {@linkcode TRANSLATION_BUILTIN}, then `defaults`, then every matching
 * override in order.
 *
 * @module
 */
import { cellId, matchesPattern } from "./expand.ts";
import {
  mergeTranslationConfig,
  TRANSLATION_BUILTIN,
  zooView,
} from "./translation_config.ts";
import type { Cell, MatrixSpec } from "./types.ts";

/** The `variant` column of every translation cell: the pix2pix U-Net + PatchGAN. */
export const TRANSLATION_VARIANT = "pix2pix";

/**
 * Whether a cell is a translation cell.
 *
 * @param cell A cell.
 * @returns True when it carries translation settings.
 * @example
 * ```ts
 * import { isTranslationCell } from "./translation_expand.ts";
 * import assert from "node:assert/strict";
 * assert.equal(isTranslationCell({ translation: undefined }), false);
 * ```
 */
export function isTranslationCell(
  cell: Pick<Cell, "translation">,
): cell is Pick<Cell, "translation"> & {
  translation: NonNullable<Cell["translation"]>;
} {
  return cell.translation !== undefined;
}

/**
 * Expands a translation spec into its cells.
 *
 * @param spec A parsed spec of the translation form.
 * @returns The cells, ids unique.
 * @throws Error One line naming the spec when a cell's `checkpointEvery`
 *   is not 0 or a multiple of its `evalEvery`.
 * @example
 * ```ts
 * import { expandTranslationSpec } from "./translation_expand.ts";
 * import assert from "node:assert/strict";
 * const cells = expandTranslationSpec({
 *   name: "t", datasets: [], variants: [], losses: [], include: [], exclude: [],
 *   tasks: ["inpaint-mnist"], objectives: ["l1", "l1-lsgan"], seeds: [0],
 *   defaults: { steps: 20 }, overrides: [{ match: { loss: "l1" }, set: { steps: 10 } }],
 * });
 * assert.deepEqual(cells.map((c) => [c.id, c.translation?.steps]), [
 *   ["inpaint-mnist-pix2pix-l1-s0", 10],
 *   ["inpaint-mnist-pix2pix-l1-lsgan-s0", 20],
 * ]);
 * ```
 */
export function expandTranslationSpec(spec: MatrixSpec): Cell[] {
  const base = mergeTranslationConfig(TRANSLATION_BUILTIN, spec.defaults);
  const cells: Cell[] = [];
  const problems: string[] = [];
  const variant = TRANSLATION_VARIANT;
  for (const dataset of spec.tasks ?? []) {
    for (const loss of spec.objectives ?? []) {
      for (const seed of spec.seeds) {
        const axes = { dataset, variant, loss, seed };
        let config = base;
        for (const o of spec.overrides) {
          if (matchesPattern(o.match, axes)) {
            config = mergeTranslationConfig(config, o.set);
          }
        }
        const id = cellId(dataset, variant, loss, seed);
        if (
          config.checkpointEvery !== 0 &&
          config.checkpointEvery % config.evalEvery !== 0
        ) {
          problems.push(
            `${id}: checkpointEvery (${config.checkpointEvery}) must be 0 or a multiple of evalEvery (${config.evalEvery})`,
          );
        }
        cells.push({
          id,
          ...axes,
          config: zooView(config),
          translation: config,
        });
      }
    }
  }
  if (problems.length > 0) {
    throw new Error(`spec ${spec.name}: ${problems.slice(0, 10).join("; ")}`);
  }
  if (cells.length === 0) {
    throw new Error(`spec ${spec.name}: the matrix has no cells`);
  }
  return cells;
}
