/**
 * The metric columns of `metrics.csv` and `summary.csv`: name, unit, exact
 * definition and direction of every metric, in file order. The file layout
 * around them (identity, provenance, step, status) is in `columns.ts`.
 *
 * @module
 */
import type { MetricColumn } from "./columns.ts";

/** The metrics of docs/metrics.md, in order. */
export const METRICS = [
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
    name: "fid_floor",
    unit: "—",
    definition:
      "FID of n_eval real train images vs the test statistics, mean over 5 training subsets (disjoint when 5 · n_eval fit in the train split): what a generator matching the data distribution would get at this n_eval. Not a bias correction: fid − fid_floor is not a debiased FID.",
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
    name: "kid_se",
    unit: "—",
    definition:
      "Standard error of kid_mean over its subsets, kid_std / √subsets: the subset-sampling noise given these fakes and test features. Subsets overlap, so it understates the noise of a fresh draw of n_eval fakes.",
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

/**
 * The metrics of translation cells (docs/translation.md#columns), after
 * {@linkcode METRICS} in both files; empty in zoo rows (and the zoo's
 * metrics but `fid`, `d_real`, `d_fake` and `d_auc` empty in translation
 * rows).
 */
export const TRANSLATION_METRICS = [
  {
    name: "psnr",
    unit: "dB",
    definition:
      "Translation: mean per-image PSNR 10·log10(1/MSE) of G(input) against the target on the n_eval fixed test pairs, [0,1] images, each capped at 100 dB.",
    better: "higher",
  },
  {
    name: "psnr_std",
    unit: "dB",
    definition:
      "Translation: sample standard deviation (n − 1) of the per-image PSNR over the test pairs.",
    better: "none",
  },
  {
    name: "ssim",
    unit: "—",
    definition:
      "Translation: mean per-image SSIM (11×11 Gaussian window, σ 1.5, [0,1] images) of G(input) against the target.",
    better: "higher",
  },
  {
    name: "ssim_std",
    unit: "—",
    definition:
      "Translation: sample standard deviation (n − 1) of the per-image SSIM.",
    better: "none",
  },
  {
    name: "l1",
    unit: "[0,1] units",
    definition:
      "Translation: mean absolute error |G(input) − target| over every pixel and channel, [0,1] images.",
    better: "lower",
  },
  {
    name: "psnr_trivial",
    unit: "dB",
    definition:
      "Translation: psnr of the task's trivial answer on the same test pairs (computed once per cell, repeated in every row, as fid_floor).",
    better: "none",
  },
  {
    name: "ssim_trivial",
    unit: "—",
    definition: "Translation: ssim of the trivial answer on the same pairs.",
    better: "none",
  },
  {
    name: "l1_trivial",
    unit: "[0,1] units",
    definition: "Translation: l1 of the trivial answer on the same pairs.",
    better: "none",
  },
  {
    name: "fid_trivial",
    unit: "—",
    definition:
      "Translation: FID of the trivial answers against the test targets with the source data set's evaluator; empty when n_eval ≤ the evaluator's feature width (as fid).",
    better: "none",
  },
] as const satisfies readonly MetricColumn[];

/** The names of {@linkcode TRANSLATION_METRICS}, in file order. */
export const TRANSLATION_METRIC_NAMES: readonly string[] = TRANSLATION_METRICS
  .map((c) => c.name);
