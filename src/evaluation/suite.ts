/**
 * The evaluation of one interval (docs/metrics.md): discriminator equilibrium,
 * FID / IS / KID on the evaluator network, nearest-neighbour PSNR/SSIM and
 * SSIM diversity, plus the fixed-noise sample grid.
 *
 * Everything that depends only on the data set and the evaluator — real
 * features and statistics, `fid_floor`, `ssim_div_real`, the neighbour pool,
 * the held-out real images, the fixed evaluation noise — is prepared once
 * per run in {@linkcode EvaluationSuite.prepare} (real features cached on
 * disk with checksums), never per interval. The parts live in their own
 * files: `real_data.ts` and `feature_cache.ts` (the real side),
 * `image_metrics.ts` and `equilibrium_metrics.ts` (the per-interval metric
 * groups), `sampling.ts` (noise, labels, chunked passes).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Dataset } from "../data/types.ts";
import type { EvaluationSizes } from "../spec/types.ts";
import type { FeatureStats } from "../metrics/mod.ts";
import type { Generator } from "../models/types.ts";
import { cropToNative } from "../train/real_batch.ts";
import { makeGrid } from "../results/grid.ts";
import type { RasterImage } from "../results/png.ts";
import { equilibriumMetrics, equilibriumReals } from "./equilibrium_metrics.ts";
import type { EquilibriumReals } from "./equilibrium_metrics.ts";
import { imageMetrics, sampleFakes } from "./image_metrics.ts";
import { disposeMemorisation } from "./memorisation.ts";
import { phaseTimer } from "./phase_timer.ts";
import { prepareRealData } from "./real_data.ts";
import type { RealData } from "./real_data.ts";
import { EVAL_NOISE_SEED } from "./sampling.ts";
import type {
  EvaluatorNetwork,
  IntervalMetrics,
  ModelsAtStep,
} from "./types.ts";

export type {
  EvaluatorNetwork,
  IntervalMetrics,
  ModelsAtStep,
} from "./types.ts";
export {
  balancedLabels,
  EVAL_NOISE_SEED,
  evalNoise,
  nativeShape,
  predictInChunks,
  REAL_SUBSET_SEED,
} from "./sampling.ts";

/** Everything prepared once per (data set, evaluator, sizes). */
export class EvaluationSuite {
  /** The data set. */
  readonly dataset: Dataset;
  /** The evaluator network. */
  readonly evaluator: EvaluatorNetwork;
  /** The sizes. */
  readonly sizes: EvaluationSizes;
  /** Statistics of the evaluator features of the whole test split. */
  readonly realStats: FeatureStats;
  /** FID of nEval real train images vs the test statistics. */
  readonly fidFloor: number;
  /** Mean SSIM over random pairs of real test images (any class). */
  readonly ssimDivReal: number;
  /** The same, pairs within a class (reported for conditional variants). */
  readonly ssimDivRealSameClass: number;
  #real: RealData;
  #equilibriumReals: EquilibriumReals;

  private constructor(
    dataset: Dataset,
    evaluator: EvaluatorNetwork,
    sizes: EvaluationSizes,
    real: RealData,
    equilibriumReals: EquilibriumReals,
  ) {
    this.dataset = dataset;
    this.evaluator = evaluator;
    this.sizes = sizes;
    this.realStats = real.realStats;
    this.fidFloor = real.fidFloor;
    this.ssimDivReal = real.ssimDivReal;
    this.ssimDivRealSameClass = real.ssimDivRealSameClass;
    this.#real = real;
    this.#equilibriumReals = equilibriumReals;
  }

  /**
   * Prepares the real-data side of the evaluation. Test-split features are
   * read from `cacheDir` when a cache file made from the same data and
   * evaluator checksums exists (its own md5 verified), else computed and
   * written there.
   *
   * @param dataset The data set.
   * @param evaluator The evaluator network.
   * @param sizes The evaluation sizes.
   * @param cacheDir Where real features are cached (none: no cache).
   * @returns The prepared suite; `dispose()` it when done.
   * @throws Error when `nEval` or `nEquilibrium` exceed the splits.
   */
  static async prepare(
    dataset: Dataset,
    evaluator: EvaluatorNetwork,
    sizes: EvaluationSizes,
    cacheDir?: string,
  ): Promise<EvaluationSuite> {
    if (sizes.nEval > dataset.train.count) {
      throw new Error(
        `nEval ${sizes.nEval} exceeds the ${dataset.id} train split (${dataset.train.count})`,
      );
    }
    const reals = equilibriumReals(dataset, sizes.nEquilibrium);
    const real = await prepareRealData(dataset, evaluator, sizes, cacheDir);
    return new EvaluationSuite(dataset, evaluator, sizes, real, reals);
  }

  /**
   * Evaluates the models at one step.
   *
   * @param models G, D and what the metrics need to know about them.
   * @param timings When given, receives the seconds each phase took
   *   (`generate`, `features`, `fid`, `is`, `kid`, `nearest`,
   *   `memorisation`, `ssim_div`, `equilibrium`), for the performance
   *   benchmark.
   * @returns Every metric of docs/metrics.md for the interval, by CSV column name.
   */
  async evaluate(
    models: ModelsAtStep,
    timings?: Record<string, number>,
  ): Promise<IntervalMetrics> {
    const timer = phaseTimer(timings);
    const { dataset, evaluator, sizes } = this;
    const { conditional } = models;
    const fakes = await sampleFakes({
      dataset,
      evaluator,
      sizes,
      generator: models.sampleGenerator ?? models.generator,
      conditional,
    }, timer);
    timer.lap("generate");
    try {
      const metrics = await imageMetrics(
        fakes,
        this.#real,
        sizes,
        dataset.numClasses,
        conditional,
        timer,
      );
      Object.assign(
        metrics,
        await equilibriumMetrics(dataset, this.#equilibriumReals, models),
      );
      timer.lap("equilibrium");
      return metrics;
    } finally {
      tf.dispose([fakes.features, fakes.probabilities, fakes.unit]);
    }
  }

  /**
   * The fixed-noise sample grid (conditional variants: one label per row).
   *
   * @param generator The generator.
   * @param conditional Whether it takes labels.
   * @returns The grid as an RGB or grey raster.
   */
  async grid(generator: Generator, conditional: boolean): Promise<RasterImage> {
    const { dataset } = this;
    const n = this.sizes.gridSize;
    const images = tf.tidy(() => {
      const z = tf.randomNormal(
        [n * n, generator.zDim],
        0,
        1,
        "float32",
        EVAL_NOISE_SEED + 1,
      );
      const labels = conditional
        ? tf.tensor1d(
          Array.from({ length: n * n }, (_, i) =>
            Math.floor(i / n) % dataset.numClasses),
          "int32",
        )
        : null;
      return cropToNative(
        generator.apply(z as tf.Tensor2D, labels, false),
        dataset.height,
        dataset.width,
      );
    });
    const values = await images.data() as Float32Array;
    images.dispose();
    return makeGrid(
      values,
      n * n,
      dataset.height,
      dataset.width,
      dataset.channels,
      { cols: n },
    );
  }

  /** Frees the real features and the neighbour pool. */
  dispose(): void {
    tf.dispose([this.#real.testFeatures, this.#real.pool]);
    if (this.#real.memorisation) disposeMemorisation(this.#real.memorisation);
  }
}
