/**
 * The types of a matrix spec (data sets × variants × losses × seeds, with
 * defaults and per-axis overrides) and of the cells it expands to.
 *
 * A spec is plain JSON, so that profiles live as files in
 * `benchmarks/profiles/` and a user can write their own:
 *
 * ```json
 * {
 *   "name": "quick",
 *   "datasets": ["mnist"],
 *   "variants": ["mlp"],
 *   "losses": ["minimax", "ns", "lsgan", "wgan", "wgan-gp", "hinge"],
 *   "seeds": [0],
 *   "include": [{ "variant": "cgan", "loss": "ns" }, { "variant": "dcgan", "loss": "ns" }],
 *   "defaults": { "steps": 3000, "batchSize": 64, "evalEvery": 500, "nEval": 2000 },
 *   "overrides": [{ "match": { "variant": "dcgan" }, "set": { "steps": 2000 } }]
 * }
 * ```
 *
 * @module
 */
import type { OptimizerKind } from "../losses/optimizer_settings.ts";
import type { BudgetUnit } from "../train/train_config.ts";

export type { BudgetUnit };

/** Sizes of the evaluation (docs/metrics.md#evaluation-sizes; defaults in brackets). */
export interface EvaluationSizes {
  /** Generated images for FID / IS / KID, and train images for fid_floor. */
  nEval: number;
  /** Real and fake images for the equilibrium metrics [512]. */
  nEquilibrium: number;
  /** Generated images matched to their nearest train image [1000]. */
  nNeighbour: number;
  /** Fixed train subset searched for neighbours [10000]. */
  nNeighbourPool: number;
  /** Random pairs for ssim_div and ssim_div_real [1000]. */
  nSsimPairs: number;
  /** KID subsets [100]. */
  kidSubsets: number;
  /** KID subset size, used as min(kidSubsetSize, nEval, nReal) [1000]. */
  kidSubsetSize: number;
  /** Inception Score splits [10]. */
  isSplits: number;
  /** The grid is gridSize × gridSize samples. */
  gridSize: number;
  /**
   * Test images forming the real reference (statistics for FID, features for
   * KID): a fixed seeded subset of this size; absent = the whole test split.
   */
  nReal?: number;
  /**
   * FID from N ≤ d samples (a singular covariance, an inflated value):
   * `refuse` (absent: the default) stops the cell before it trains, `warn`
   * computes it with one warning line (e.g. a quick pipeline check with the
   * 2048-d Inception features).
   */
  singularFid?: "refuse" | "warn";
  /**
   * The memorisation test (copy rates over the whole train split): `on`
   * (absent: the default) or `off`, which leaves its columns empty and skips
   * passing the whole train split through the evaluator once (hours for
   * Inception-v3 on a CPU).
   */
  memorisation?: "on" | "off";
}

/**
 * How an optimizer's settings are replaced for D or G (every field
 * optional). Only the settings the kind reads are accepted (see
 * `OPTIMIZER_SETTINGS` in `losses/optimizer_settings.ts`).
 */
export interface OptimizerOverride {
  /** Optimizer kind; absent keeps the loss's default kind. */
  kind?: OptimizerKind;
  /** Learning rate (> 0). */
  learningRate?: number;
  /** Adam β₁ in [0, 1). */
  beta1?: number;
  /** Adam β₂ in [0, 1). */
  beta2?: number;
  /** Numerical ε (> 0), Adam and RMSProp. */
  epsilon?: number;
  /** RMSProp decay ρ in [0, 1). */
  decay?: number;
}

/** Optimizer overrides of D and G. */
export interface OptimizerOverrides {
  /** The discriminator / critic optimizer. */
  d?: OptimizerOverride;
  /** The generator optimizer. */
  g?: OptimizerOverride;
}

/** How D normalises its layers: `auto` = the variant's default, LayerNorm for a penalised critic. */
export type CriticNormChoice = "auto" | "batchnorm" | "layernorm" | "none";

/**
 * The resolved settings of one cell (every field present): the training
 * schedule here plus the evaluation sizes of {@linkcode EvaluationSizes}.
 */
export interface CellConfig extends EvaluationSizes {
  /** The training budget in `budget` units. Integer ≥ 1. */
  steps: number;
  /**
   * What `steps`, `evalEvery` and `checkpointEvery` count: `d-steps` (the
   * default), `g-steps` or `d-images` (D steps × batch size). Each must be
   * a whole number of G steps. A recorded config without it (a run from
   * before it existed) counted `g-steps`.
   */
  budget: BudgetUnit;
  /** Images per batch. Integer ≥ 1. */
  batchSize: number;
  /** Evaluate every this many `budget` units (and at the end). Integer ≥ 1. */
  evalEvery: number;
  /** Checkpoint every this many `budget` units; 0 = never; else a multiple of `evalEvery`. */
  checkpointEvery: number;
  /** D normalisation. */
  criticNorm: CriticNormChoice;
  /** Evaluator network id; `default` = the data set's built-in classifier. */
  evaluator: string;
  /** D steps per G step; absent = the loss's default. */
  nCritic?: number;
  /** Gradient-penalty weight; absent = the loss's default. */
  gradientPenalty?: number;
  /** Weight clipping bound; absent = the loss's default. */
  clip?: number;
  /** Optimizer settings replacing the loss's defaults. */
  optimizer?: OptimizerOverrides;
  /**
   * Decay of the moving average of G's weights that the image metrics and
   * grids sample from (e.g. 0.999); absent or 0 = the raw G.
   */
  gEma?: number;
}

/**
 * The settings of a translation cell (a spec's `tasks` × `objectives` form;
 * docs/translation.md#running-it), every field present. The keys it shares
 * with {@linkcode CellConfig} mean the same; `steps` counts training steps,
 * each one G update and (but for `l1`) one D update.
 */
export interface TranslationCellConfig {
  /** Training steps. Integer ≥ 1. */
  steps: number;
  /** `g-steps` (the default) or `d-steps`: the same count here. */
  budget: "g-steps" | "d-steps";
  /** Pairs per batch. Integer ≥ 1 (pix2pix uses 1; the default is 16). */
  batchSize: number;
  /** Evaluate every this many steps (and at the end). Integer ≥ 1. */
  evalEvery: number;
  /** Checkpoint every this many steps; 0 = never; else a multiple of `evalEvery`. */
  checkpointEvery: number;
  /** Test pairs evaluated: a fixed subset of the test split. Integer ≥ 2. */
  nEval: number;
  /** Triplet rows of the grid (input | output | target). Integer ≥ 1. */
  gridSize: number;
  /** Evaluator network id; only `default` (the source data set's classifier). */
  evaluator: string;
  /** λ, the weight of the L1 term (ignored by `gan-*`, which use 0). */
  l1Weight: number;
  /** PatchGAN `n_layers` (stride-2 convs of D). */
  nLayers: number;
  /** Scales every hidden width of G and D (1 = pix2pix's). */
  widthMultiplier: number;
}

/**
 * A partial {@linkcode CellConfig}: what `defaults` and `overrides[].set`
 * hold; in a translation spec, a partial {@linkcode TranslationCellConfig}.
 */
export type ConfigPatch =
  & Partial<CellConfig>
  & Partial<
    Pick<TranslationCellConfig, "l1Weight" | "nLayers" | "widthMultiplier">
  >;

/**
 * Selects cells by axis values. Each field is one value or a list of values
 * (any of them matches); an absent field matches every value.
 */
export interface CellPattern {
  /** Data set id(s). */
  dataset?: string | string[];
  /** Variant id(s). */
  variant?: string | string[];
  /** Loss id(s). */
  loss?: string | string[];
  /** Seed(s). */
  seed?: number | number[];
}

/** A settings override applied to the cells its `match` selects. */
export interface Override {
  /** Which cells (an empty object selects every cell). */
  match: CellPattern;
  /** The settings to replace; `optimizer.d` / `optimizer.g` merge field by field. */
  set: ConfigPatch;
}

/** An explicit extra (data set, variant, loss), crossed with every seed. */
export interface IncludeCell {
  /** Data set id; absent = every data set of the spec. */
  dataset?: string;
  /** Variant id. */
  variant: string;
  /** Loss id. */
  loss: string;
}

/**
 * A matrix spec after parsing (optional lists filled in as empty). A spec
 * is either the zoo form (`datasets` × `variants` × `losses`) or the
 * translation form (`tasks` × `objectives`, with the zoo axes empty).
 */
export interface MatrixSpec {
  /** Name of the spec (profile name), used in messages and manifests. */
  name: string;
  /** Free text; not part of {@linkcode specHash}. */
  description?: string;
  /** Data set ids, in run order. */
  datasets: string[];
  /** Variant ids of the cross product, in run order (may be empty when `include` is used). */
  variants: string[];
  /** Loss ids of the cross product, in run order (may be empty when `include` is used). */
  losses: string[];
  /** Seeds, in run order. */
  seeds: number[];
  /** Settings of every cell (on top of the built-in defaults). */
  defaults: ConfigPatch;
  /** Per-axis overrides, applied in order (later wins). */
  overrides: Override[];
  /** Extra (data set, variant, loss) cells beyond the cross product. */
  include: IncludeCell[];
  /** Cells removed from the matrix (after `include`). */
  exclude: CellPattern[];
  /** Translation form: paired task ids, in run order. */
  tasks?: string[];
  /** Translation form: objective ids, in run order. */
  objectives?: string[];
}

/** One unit of work: a (data set, variant, loss, seed) with its settings. */
export interface Cell {
  /** `<dataset>-<variant>-<loss>-s<seed>`, e.g. `mnist-mlp-ns-s0`. */
  id: string;
  /** Data set id. */
  dataset: string;
  /** Variant id. */
  variant: string;
  /** Loss id. */
  loss: string;
  /** Seed. */
  seed: number;
  /**
   * The resolved settings. For a translation cell: the built-in zoo
   * settings with its shared keys (steps, budget, batchSize, evalEvery,
   * checkpointEvery, nEval, gridSize, evaluator) set, so that code reading
   * only those keys treats both kinds alike.
   */
  config: CellConfig;
  /**
   * Present exactly on a translation cell (`dataset` = task, `variant` =
   * `pix2pix`, `loss` = objective): its settings.
   */
  translation?: TranslationCellConfig;
}
