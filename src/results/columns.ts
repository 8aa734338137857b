/**
 * The columns of `metrics.csv` and `summary.csv`: name, unit and definition
 * of each, in file order. This list is the single source of truth: the
 * writers use it as the header and the tables in docs/outputs.md#column-tables are generated from it
 * ({@linkcode columnsMarkdown}). Columns never change meaning; new columns
 * are appended at the end.
 *
 * @module
 */

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

/** The metrics of docs/metrics.md, in order. */
const METRICS = [
  {
    name: "d_real",
    unit: "prob | score",
    definition:
      "Mean D output on held-out real test images (512 by default): mean σ(s) for minimax/ns, mean raw score s otherwise. D is scored as G meets it in training: a BatchNorm D in training mode on all-real and all-fake batches of the training batch size (its moving statistics restored afterwards), any other D in inference mode.",
    better: "none",
  },
  {
    name: "d_fake",
    unit: "prob | score",
    definition: "The same on as many fresh generated images.",
    better: "none",
  },
  {
    name: "d_auc",
    unit: "—",
    definition:
      "ROC AUC of D's raw scores separating the real test images from the fakes, unfolded: 0.5 = D cannot tell them apart, above 0.5 D ranks reals higher, below 0.5 D ranks the fakes above the reals. Noise floor: std √((n+m+1)/(12nm)) = 0.018 under the null at 512 vs 512.",
    better: "none",
  },
  {
    name: "d_auc_train",
    unit: "—",
    definition:
      "The same with real train images; d_auc_train − d_auc shows D over-fitting.",
    better: "none",
  },
  {
    name: "eq_gap",
    unit: "—",
    definition:
      "Equilibrium gap 2·|d_auc − 0.5| (0 = equilibrium, 1 = D separates perfectly). Folded: d_auc 0.18 and 0.82 both give 0.64; d_auc tells which side D is on. Null mean ≈ 0.029 at 512 vs 512.",
    better: "lower",
  },
  {
    name: "w_estimate",
    unit: "score",
    definition:
      "Mean s on real minus mean s on fake (a Wasserstein estimate for critic losses).",
    better: "none",
  },
  {
    name: "d_loss",
    unit: "loss",
    definition: "Mean D loss over the interval's D steps (penalty included).",
    better: "none",
  },
  {
    name: "g_loss",
    unit: "loss",
    definition: "Mean G loss over the interval's G steps.",
    better: "none",
  },
  {
    name: "d_loss_gap",
    unit: "loss",
    definition:
      "d_loss minus its value at the equilibrium D = ½: 2 ln 2 for minimax/ns, 0.25 lsgan, 0 wgan/wgan-gp, 2 hinge.",
    better: "none",
  },
  {
    name: "grad_norm_d",
    unit: "L2 norm",
    definition:
      "Mean global L2 norm of D's parameter gradients over the interval.",
    better: "none",
  },
  {
    name: "grad_norm_g",
    unit: "L2 norm",
    definition:
      "Mean global L2 norm of G's parameter gradients over the interval.",
    better: "none",
  },
  {
    name: "fid",
    unit: "—",
    definition:
      "Fréchet distance (Heusel et al. 2017) between evaluator features of n_eval fakes and the test-split statistics; lower is better.",
    better: "lower",
  },
  {
    name: "is_mean",
    unit: "—",
    definition:
      "Inception Score (Salimans et al. 2016) with the evaluator's softmax, mean over 10 splits; higher is better.",
    better: "higher",
  },
  {
    name: "is_std",
    unit: "—",
    definition: "Standard deviation of the Inception Score over the splits.",
    better: "none",
  },
  {
    name: "kid_mean",
    unit: "—",
    definition:
      "Kernel Inception Distance (Bińkowski et al. 2018): unbiased MMD² with k(x,y) = (xᵀy/d + 1)³, mean over 100 subsets of min(1000, n_eval).",
    better: "lower",
  },
  {
    name: "kid_std",
    unit: "—",
    definition:
      "Population standard deviation of KID over the subsets: the per-subset spread, not the uncertainty of kid_mean.",
    better: "none",
  },
  {
    name: "kid_se",
    unit: "—",
    definition:
      "Standard error of kid_mean over its subsets, kid_std / √subsets: the subset-sampling noise given these fakes and test features. Subsets overlap, so it understates the noise of a fresh draw of n_eval fakes.",
    better: "none",
  },
  {
    name: "fid_floor",
    unit: "—",
    definition:
      "FID of n_eval real train images vs the test statistics, mean over 5 training subsets (disjoint when 5 · n_eval fit in the train split): what a generator matching the data distribution would get at this n_eval. Not a bias correction: fid − fid_floor is not a debiased FID.",
    better: "none",
  },
  {
    name: "fid_floor_std",
    unit: "—",
    definition:
      "Sample standard deviation (n − 1) of that FID over the 5 training subsets: how far one draw of n_eval real images moves the floor.",
    better: "none",
  },
  {
    name: "psnr_nn",
    unit: "dB",
    definition:
      "Mean PSNR 10·log10(1/MSE) ([0,1] images) between up to 1000 fakes and their nearest (L2) image in a fixed 10,000-image train subset: pixel closeness to a sample of train images, not a quality or memorisation measure (blur and flat grey images score high; copies of the other train images are not seen; see copy_rate).",
    better: "none",
  },
  {
    name: "ssim_nn",
    unit: "—",
    definition:
      "Mean SSIM between the same fakes and their nearest neighbours in that subset: structural closeness to a sample of train images, not a quality or memorisation measure (see copy_rate).",
    better: "none",
  },
  {
    name: "copy_rate",
    unit: "—",
    definition:
      "Share of up to 1000 fakes whose nearest image in the WHOLE train split (pixel space, [0,1] images average-pooled 4×4 for MNIST/Fashion/CIFAR-10, 2×2 for synthetic, L2) is closer than the 1st percentile of the same distance for max(n_neighbour, 1000) real test images (at most the test split); real test images score ≈ 0.01.",
    better: "lower",
  },
  {
    name: "copy_rate_feat",
    unit: "—",
    definition:
      "The same in evaluator-feature space (L2 between features, over every train image's features); real test images score ≈ 0.01.",
    better: "lower",
  },
  {
    name: "nn_dist_ratio",
    unit: "—",
    definition:
      "Median nearest-train-image feature distance (whole train split) of up to 1000 fakes over that of the same real test images: < 1 means the fakes sit closer to the training data than held-out real data do (memorisation, or collapse onto dense regions); > 1 farther (often lower quality); real test images ≈ 1.",
    better: "none",
  },
  {
    name: "ssim_div",
    unit: "—",
    definition:
      "Mean SSIM over 1000 random pairs of fakes (same class for conditional variants); ≫ ssim_div_real signals mode collapse.",
    better: "none",
  },
  {
    name: "ssim_div_real",
    unit: "—",
    definition: "The same over pairs of real test images.",
    better: "none",
  },
  {
    name: "precision",
    unit: "—",
    definition:
      "Precision (Kynkäänniemi et al. 2019, k = 3): share of the n_eval fakes' evaluator features inside at least one real test feature's ball (radius: distance to its 3rd nearest real test neighbour).",
    better: "higher",
  },
  {
    name: "recall",
    unit: "—",
    definition:
      "Recall (Kynkäänniemi et al. 2019, k = 3): share of real test features inside at least one fake's ball (radius: distance to its 3rd nearest fake neighbour).",
    better: "higher",
  },
  {
    name: "density",
    unit: "—",
    definition:
      "Density (Naeem et al. 2020, k = 5): fakes-in-real-test-balls count (radius: 5th nearest real neighbour), summed over fakes, over 5 · n_eval; ≈ 1 for a perfect generator; above 1 means fakes bunched where the real data is dense, not better ones.",
    better: "none",
  },
  {
    name: "coverage",
    unit: "—",
    definition:
      "Coverage (Naeem et al. 2020, k = 5): share of real test features whose 5-NN ball holds at least one fake.",
    better: "higher",
  },
  {
    name: "classes_covered",
    unit: "classes",
    definition:
      "Mode coverage: evaluator classes that receive at least 1/(4K) of the n_eval fakes by the evaluator's predicted class (arg max), K = the evaluator's class count; K for a perfect generator, 1 for collapse onto one class.",
    better: "higher",
  },
  {
    name: "class_kl",
    unit: "nats",
    definition:
      "KL(p ‖ q̃) of the fakes' predicted-class histogram p from the evaluator's predicted-class histogram q of the real test images (those of fid), smoothed q̃ = (q + 10⁻⁶)/(1 + 10⁻⁶·K); ≈ (K−1)/(2·n_eval) for a perfect generator, ln K for collapse onto one of K balanced classes.",
    better: "lower",
  },
  {
    name: "label_acc",
    unit: "—",
    definition:
      "Conditional variants: share of the n_eval fakes the evaluator assigns the label they were asked for (fake i asks for class i mod K); the evaluator's test accuracy for a perfect generator, 1/K for chance. Empty for unconditional variants and for evaluators whose classes are not the data set's.",
    better: "higher",
  },
] as const satisfies readonly MetricColumn[];

/** The name of a metric of docs/metrics.md. */
export type MetricName = typeof METRICS[number]["name"];

/** The names of the metrics of docs/metrics.md, in file order. */
export const METRIC_NAMES: readonly MetricName[] = METRICS.map((c) => c.name);

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
  ...METRICS.map((c) => ({
    ...c,
    definition: `At the last evaluation: ${c.definition}`,
  })),
  {
    name: "best_fid",
    unit: "—",
    definition: "Lowest fid over the cell's evaluations.",
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
