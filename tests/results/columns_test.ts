import { assert } from "../_assert.ts";
import {
  betterOf,
  columnsMarkdown,
  METRICS_COLUMN_NAMES,
  METRICS_COLUMNS,
  SUMMARY_COLUMN_NAMES,
  SUMMARY_COLUMNS,
} from "../../src/results/columns.ts";
import type { MetricColumn } from "../../src/results/columns.ts";
import { METRIC_NAMES } from "../../src/results/metric_columns.ts";

/** The metric names of docs/metrics.md, written out independently. */
const DESIGN_METRICS = [
  "d_real",
  "d_fake",
  "d_auc",
  "d_auc_train",
  "eq_gap",
  "w_estimate",
  "d_loss",
  "g_loss",
  "d_loss_gap",
  "grad_norm_d",
  "grad_norm_g",
  "fid",
  "is_mean",
  "is_std",
  "kid_mean",
  "kid_std",
  "fid_floor",
  "psnr_nn",
  "ssim_nn",
  "ssim_div",
  "ssim_div_real",
  // Added later, after the metrics of the first version (never reordered).
  "kid_se",
  "fid_floor_std",
  "copy_rate",
  "copy_rate_feat",
  "nn_dist_ratio",
  "precision",
  "recall",
  "density",
  "coverage",
  "classes_covered",
  "class_kl",
  "label_acc",
];

Deno.test("columns: no duplicates, snake_case, unit and definition present", () => {
  for (const columns of [METRICS_COLUMNS, SUMMARY_COLUMNS]) {
    const names = columns.map((c) => c.name);
    assert.equal(new Set(names).size, names.length);
    for (const c of columns) {
      assert.match(c.name, /^[a-z][a-z0-9_]*$/);
      assert.ok(c.unit.length > 0, c.name);
      assert.ok(c.definition.length >= 5, c.name);
    }
  }
});

Deno.test("columns: every docs/metrics.md metric, in both files", () => {
  assert.deepEqual([...METRIC_NAMES], DESIGN_METRICS);
  for (const m of DESIGN_METRICS) {
    assert.ok(METRICS_COLUMN_NAMES.includes(m), `metrics.csv lacks ${m}`);
    assert.ok(SUMMARY_COLUMN_NAMES.includes(m), `summary.csv lacks ${m}`);
  }
});

Deno.test("columns: metrics.csv starts with the run identity and ends with status", () => {
  assert.deepEqual(METRICS_COLUMN_NAMES.slice(0, 17), [
    "cell",
    "dataset",
    "variant",
    "loss",
    "seed",
    "step",
    "epoch",
    "images_seen",
    "d_steps",
    "budget_unit",
    "wall_s",
    "images_per_s",
    "backend",
    "device",
    "evaluator",
    "evaluator_md5",
    "n_eval",
  ]);
  // The translation metrics (docs/translation.md#columns) follow the zoo's.
  assert.deepEqual(METRICS_COLUMN_NAMES.slice(17, -1), [
    ...DESIGN_METRICS,
    "psnr",
    "psnr_std",
    "ssim",
    "ssim_std",
    "l1",
    "psnr_trivial",
    "ssim_trivial",
    "l1_trivial",
    "fid_trivial",
  ]);
  assert.equal(METRICS_COLUMN_NAMES.at(-1), "status");
  for (
    const name of [
      "cell",
      "status",
      "wall_s",
      "train_images_per_s",
      "best_fid",
      "best_fid_step",
    ]
  ) {
    assert.ok(SUMMARY_COLUMN_NAMES.includes(name), name);
  }
});

Deno.test("columnsMarkdown: one table row per column", () => {
  const md = columnsMarkdown(METRICS_COLUMNS);
  const lines = md.trimEnd().split("\n");
  assert.equal(lines.length, METRICS_COLUMNS.length + 2);
  assert.equal(lines[2].startsWith("| `cell` | text | "), true);
  for (const line of lines) assert.match(line, /^\|.*\|$/);
  // a pipe inside a definition is escaped
  assert.equal(
    columnsMarkdown([{ name: "x", unit: "a|b", definition: "y" }]).split(
      "\n",
    )[2],
    "| `x` | a\\|b | y |",
  );
});

Deno.test("columns: every metric says which way it improves", () => {
  for (const name of METRIC_NAMES) {
    const column = SUMMARY_COLUMNS.find((c) => c.name === name)!;
    assert.ok(
      ["higher", "lower", "none"].includes(column.better ?? ""),
      `${name} has no direction`,
    );
  }
  assert.deepEqual(
    ["fid", "kid_mean", "eq_gap", "is_mean", "train_images_per_s", "d_auc"].map(
      betterOf,
    ),
    ["lower", "lower", "lower", "higher", "higher", "none"],
  );
  assert.equal(betterOf("images_per_s"), "higher", "metrics.csv only");
  assert.equal(betterOf("cell"), "none");
  assert.equal(betterOf("no_such_column"), "none");
  // A metric entry without a direction does not compile.
  const _noDirection = [
    // @ts-expect-error: 'better' is required on a metric column
    { name: "new_metric", unit: "—", definition: "A new metric." },
  ] as const satisfies readonly MetricColumn[];
  assert.equal(_noDirection.length, 1);
});
