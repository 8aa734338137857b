/**
 * The columns of `metrics.csv` and `summary.csv`: name, unit and definition
 * of each, in file order. This list is the single source of truth: the
 * writers use it as the header and the tables in docs/outputs.md#column-tables are generated from it
 * ({@linkcode columnsMarkdown}). Columns never change meaning; readers
 * find them by name, so a new column goes next to its kind.
 *
 * @module
 */
import { METRICS, TRANSLATION_METRICS } from "./metric_columns.ts";

/** Which way a metric improves: `none` for an informational one. */
export type Better = "higher" | "lower" | "none";

/**
 * One CSV column.
 *
 * @typeParam N The header name (a literal type for the columns below).
 */
export interface Column<N extends string = string> {
  /** Header name (snake_case). */
  name: N;
  /** Unit, or `—` for identifiers and dimensionless values, `text` for strings. */
  unit: string;
  /** What the value is, in one or two sentences. */
  definition: string;
  /** Which way it improves, for a metric (absent: not a metric). */
  better?: Better;
}

/**
 * A metric column: its direction is required, so that a new metric cannot
 * be added without saying which way it improves.
 *
 * @typeParam N The header name.
 */
export interface MetricColumn<N extends string = string> extends Column<N> {
  /** Which way it improves (`none`: informational, never ranked). */
  better: Better;
}

/** The identity of a cell (first columns of both files). */
const CELL_IDENTITY = [
  {
    name: "cell",
    unit: "text",
    definition: "Cell id `<dataset>-<variant>-<loss>-s<seed>`.",
  },
  { name: "dataset", unit: "text", definition: "Data set id." },
  { name: "variant", unit: "text", definition: "Architecture (variant) id." },
  { name: "loss", unit: "text", definition: "Loss id." },
  {
    name: "seed",
    unit: "—",
    definition: "Seed of weights, noise and batch order.",
  },
] as const satisfies readonly Column[];

/** Where and how the numbers were measured. */
const PROVENANCE = [
  {
    name: "backend",
    unit: "text",
    definition:
      "TF.js backend (`tf.getBackend()`): tensorflow, webgpu, wasm or cpu.",
  },
  {
    name: "device",
    unit: "text",
    definition:
      "The device the backend ran on (GPU name, or CPU model and thread count).",
  },
  {
    name: "evaluator",
    unit: "text",
    definition:
      "Id of the evaluator network behind `fid`, `is_*`, `kid_*` and `fid_floor`.",
  },
  {
    name: "evaluator_md5",
    unit: "text",
    definition:
      "MD5 identifying the evaluator: its weight files, and for external or Inception evaluators also every setting that changes its outputs (output names, input size and range, input convention).",
  },
  {
    name: "n_eval",
    unit: "images",
    definition:
      "Generated images (and real test images) used for `fid`, `is_*`, `kid_*` and `fid_floor`.",
  },
] as const satisfies readonly Column[];

/** The D steps and the budget unit, with `when` (`so far` / `in total`). */
function budgetColumns<W extends string>(when: W) {
  return [
    {
      name: "d_steps",
      unit: "steps",
      definition:
        `D steps completed ${when} (step × n_critic; \`step\` counts G steps).`,
    },
    {
      name: "budget_unit",
      unit: "text",
      definition:
        "What the cell's `steps`, `evalEvery` and `checkpointEvery` count: `d-steps`, `g-steps` or `d-images` (D steps × batch size).",
    },
  ] as const satisfies readonly Column[];
}

/** The `metrics.csv` columns, typed by name (exported widened below). */
const METRICS_FILE = [
  ...CELL_IDENTITY,
  {
    name: "step",
    unit: "steps",
    definition: "G steps completed at this evaluation.",
  },
  {
    name: "epoch",
    unit: "epochs",
    definition: "images_seen / train-split size.",
  },
  {
    name: "images_seen",
    unit: "images",
    definition: "Real training images consumed so far (D steps × batch size).",
  },
  ...budgetColumns("so far"),
  {
    name: "wall_s",
    unit: "s",
    definition:
      "Wall-clock seconds since the cell started (training and evaluation, summed over resumes).",
  },
  {
    name: "images_per_s",
    unit: "images/s",
    definition:
      "Training throughput: images through D and G per second of training time since the cell started (evaluation excluded).",
    better: "higher",
  },
  ...PROVENANCE,
  ...METRICS,
  ...TRANSLATION_METRICS,
  {
    name: "status",
    unit: "text",
    definition:
      "`ok`, or `diverged` when a loss became NaN or ±Inf (the row's metrics are then empty).",
  },
] as const satisfies readonly Column[];

/** The `summary.csv` columns, typed by name (exported widened below). */
const SUMMARY_FILE = [
  ...CELL_IDENTITY,
  {
    name: "status",
    unit: "text",
    definition: "`finished`, or `diverged` when a loss became NaN or ±Inf.",
  },
  {
    name: "step",
    unit: "steps",
    definition: "G steps completed (the diverging step for a diverged cell).",
  },
  {
    name: "epoch",
    unit: "epochs",
    definition: "images_seen / train-split size at the end.",
  },
  {
    name: "images_seen",
    unit: "images",
    definition: "Real training images consumed in total.",
  },
  ...budgetColumns("in total"),
  {
    name: "wall_s",
    unit: "s",
    definition:
      "Total wall-clock seconds of the cell (training and evaluation, summed over resumes).",
  },
  {
    name: "train_images_per_s",
    unit: "images/s",
    definition:
      "Training throughput over the whole cell: images through D and G per second of training time.",
    better: "higher",
  },
  ...PROVENANCE,
  ...[...METRICS, ...TRANSLATION_METRICS].map((c) => ({
    ...c,
    definition: `At the last evaluation: ${c.definition}`,
  })),
  {
    name: "best_fid",
    unit: "—",
    definition:
      "Lowest fid over the cell's evaluations — chosen on the same test-split features it reports, so optimistic; use the last-evaluation fid for unbiased comparisons.",
  },
  {
    name: "best_fid_step",
    unit: "steps",
    definition: "The step of best_fid.",
  },
] as const satisfies readonly Column[];

/** The name of a `metrics.csv` column. */
export type MetricsColumnName = typeof METRICS_FILE[number]["name"];

/** The name of a `summary.csv` column. */
export type SummaryColumnName = typeof SUMMARY_FILE[number]["name"];

/**
 * The columns of `metrics.csv`: one row per cell × evaluation, flushed as
 * written.
 */
export const METRICS_COLUMNS: readonly Column<MetricsColumnName>[] =
  METRICS_FILE;

/** The columns of `summary.csv`: one row per finished or diverged cell. */
export const SUMMARY_COLUMNS: readonly Column<SummaryColumnName>[] =
  SUMMARY_FILE;

/** The header of `metrics.csv`. */
export const METRICS_COLUMN_NAMES: readonly string[] = METRICS_COLUMNS.map((
  c,
) => c.name);

/** The header of `summary.csv`. */
export const SUMMARY_COLUMN_NAMES: readonly string[] = SUMMARY_COLUMNS.map((
  c,
) => c.name);

/**
 * Which way a column improves, from the schema: the `better` of its
 * `summary.csv` (else `metrics.csv`) entry; `none` for a column that is not
 * a metric or is unknown.
 *
 * @param name The column name.
 * @returns `lower`, `higher` or `none`.
 * @example
 * ```ts
 * import { betterOf } from "./columns.ts";
 * import assert from "node:assert/strict";
 * assert.equal(betterOf("fid"), "lower");
 * assert.equal(betterOf("is_mean"), "higher");
 * assert.equal(betterOf("ssim_div"), "none");
 * assert.equal(betterOf("no_such_column"), "none");
 * ```
 */
export function betterOf(name: string): Better {
  const find = (columns: readonly Column[]) =>
    columns.find((c) => c.name === name)?.better;
  return find(SUMMARY_COLUMNS) ?? find(METRICS_COLUMNS) ?? "none";
}

/**
 * A Markdown table of columns (for docs/outputs.md).
 *
 * @param columns The columns, e.g. {@linkcode METRICS_COLUMNS}.
 * @returns `| column | unit | definition |` and one row per column, each
 *   line ending in `\n`.
 * @example
 * ```ts
 * import { columnsMarkdown } from "./columns.ts";
 * import assert from "node:assert/strict";
 * const md = columnsMarkdown([{ name: "fid", unit: "—", definition: "a|b" }]);
 * assert.equal(md, "| column | unit | definition |\n|---|---|---|\n| `fid` | — | a\\|b |\n");
 * ```
 */
export function columnsMarkdown(columns: readonly Column[]): string {
  const escape = (s: string) => s.replaceAll("|", "\\|");
  const lines = [
    "| column | unit | definition |",
    "|---|---|---|",
    ...columns.map((c) =>
      `| \`${c.name}\` | ${escape(c.unit)} | ${escape(c.definition)} |`
    ),
  ];
  return lines.map((l) => `${l}\n`).join("");
}
