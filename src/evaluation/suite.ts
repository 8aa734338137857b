/**
 * The evaluation of one interval (DESIGN.md §4): discriminator equilibrium,
 * FID / IS / KID on the evaluator network, nearest-neighbour PSNR/SSIM and
 * SSIM diversity, plus the fixed-noise sample grid.
 *
 * Everything that depends only on the data set and the evaluator — real
 * features and statistics, `fid_floor`, `ssim_div_real`, the neighbour pool,
 * the held-out real images, the fixed evaluation noise — is prepared once
 * per run in {@linkcode EvaluationSuite.prepare} (real features cached on
 * disk with checksums), never per interval.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Dataset } from "../data/types.ts";
import type { EvaluationSizes } from "../spec/types.ts";
import { fixedSubset } from "../data/sampler.ts";
import { md5Hex } from "../data/checksum.ts";
import {
  equilibrium,
  featureStats,
  fidFromStats,
  inceptionScore,
  kid,
  psnrSsimNearest,
  ssimDiversity,
  toUnitRange,
} from "../metrics/mod.ts";
import type { FeatureStats, LossId } from "../metrics/mod.ts";
import type { Discriminator, Generator, ImageShape } from "../models/types.ts";
import { cropToNative, imagesAt } from "../train/real_batch.ts";
import { readCheckpoint, writeCheckpoint } from "../train/checkpoint.ts";
import { makeGrid } from "../results/grid.ts";
import type { RasterImage } from "../results/png.ts";

/** What the evaluation needs of an evaluator network. */
export interface EvaluatorNetwork {
  /** Evaluator id written in every row, e.g. `ganbench-mnist-v1`. */
  id: string;
  /** md5 of its weights, written in every row. */
  checksum: string;
  /**
   * Features (penultimate layer) and class probabilities of images.
   *
   * @param images NHWC images in [−1, 1] at the data set's native size.
   * @returns Both, `[N, d]` and `[N, classes]` (caller disposes).
   */
  predict(
    images: tf.Tensor4D,
  ): { features: tf.Tensor2D; probabilities: tf.Tensor2D };
}

/** The metric values of one interval, named as the CSV columns. */
export type IntervalMetrics = Record<string, number>;

/** The state of the models at the evaluation, from the trainer. */
export interface ModelsAtStep {
  /** Completed G steps (seeds the fresh fakes of the equilibrium metrics). */
  step: number;
  /**
   * The generator D plays against (inference mode); the equilibrium metrics'
   * fresh fakes come from it.
   */
  generator: Generator;
  /**
   * The generator whose samples the image metrics (FID, IS, KID, PSNR/SSIM)
   * score: the weight average when the cell uses `gEma`; default `generator`.
   */
  sampleGenerator?: Generator;
  /** The discriminator (inference mode is used). */
  discriminator: Discriminator;
  /** The shape the models work at (native, or padded to 32×32). */
  trainShape: ImageShape;
  /** Whether G and D take labels. */
  conditional: boolean;
  /** The loss id (decides probabilities vs raw scores for d_real/d_fake). */
  loss: LossId;
  /** Mean D loss over the interval (for d_loss_gap). */
  dLoss: number;
}

/** Seed of the fixed evaluation noise: identical for every cell of a data set. */
export const EVAL_NOISE_SEED = 20_181_121;
/** Seed of the fixed real subsets (pool, fid_floor, equilibrium reals). */
export const REAL_SUBSET_SEED = 7;
/** Images per forward pass through G, D and the evaluator. */
const CHUNK = 250;

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
  #testFeatures: tf.Tensor2D;
  #pool: tf.Tensor4D;
  #equilibriumTest: Int32Array;
  #equilibriumTrain: Int32Array;

  private constructor(parts: {
    dataset: Dataset;
    evaluator: EvaluatorNetwork;
    sizes: EvaluationSizes;
    realStats: FeatureStats;
    fidFloor: number;
    ssimDivReal: number;
    ssimDivRealSameClass: number;
    testFeatures: tf.Tensor2D;
    pool: tf.Tensor4D;
  }) {
    this.dataset = parts.dataset;
    this.evaluator = parts.evaluator;
    this.sizes = parts.sizes;
    this.realStats = parts.realStats;
    this.fidFloor = parts.fidFloor;
    this.ssimDivReal = parts.ssimDivReal;
    this.ssimDivRealSameClass = parts.ssimDivRealSameClass;
    this.#testFeatures = parts.testFeatures;
    this.#pool = parts.pool;
    const n = parts.sizes.nEquilibrium;
    const { test, train } = parts.dataset;
    if (n > test.count || n > train.count) {
      throw new Error(
        `nEquilibrium ${n} exceeds the ${parts.dataset.id} split sizes (${train.count} train, ${test.count} test)`,
      );
    }
    this.#equilibriumTest = fixedSubset(test.count, n, REAL_SUBSET_SEED + 1);
    this.#equilibriumTrain = fixedSubset(train.count, n, REAL_SUBSET_SEED + 2);
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
    const native = nativeShape(dataset);
    const testFeatures = await cachedTestFeatures(dataset, evaluator, cacheDir);
    const realStats = await featureStats(testFeatures);
    const trainIdx = fixedSubset(
      dataset.train.count,
      sizes.nEval,
      REAL_SUBSET_SEED,
    );
    const trainFeatures = featuresOf(
      evaluator,
      (start, end) =>
        imagesAt(dataset, dataset.train, trainIdx.subarray(start, end), native),
      trainIdx.length,
    );
    const fidFloor = fidFromStats(await featureStats(trainFeatures), realStats);
    trainFeatures.dispose();

    const poolIdx = fixedSubset(
      dataset.train.count,
      Math.min(sizes.nNeighbourPool, dataset.train.count),
      REAL_SUBSET_SEED + 3,
    );
    const pool = tf.tidy(() =>
      toUnitRange(imagesAt(dataset, dataset.train, poolIdx, native))
    );

    const divIdx = fixedSubset(
      dataset.test.count,
      Math.min(dataset.test.count, 4 * sizes.nSsimPairs),
      REAL_SUBSET_SEED + 4,
    );
    const divImages = tf.tidy(() =>
      toUnitRange(imagesAt(dataset, dataset.test, divIdx, native))
    );
    const divLabels = Array.from(divIdx, (i) => dataset.test.labels[i]);
    const ssimDivReal = await ssimDiversity(divImages, {
      pairs: sizes.nSsimPairs,
      seed: 1,
    });
    const ssimDivRealSameClass = await ssimDiversity(divImages, {
      pairs: sizes.nSsimPairs,
      seed: 1,
      labels: divLabels,
    });
    divImages.dispose();
    return new EvaluationSuite({
      dataset,
      evaluator,
      sizes,
      realStats,
      fidFloor,
      ssimDivReal,
      ssimDivRealSameClass,
      testFeatures,
      pool,
    });
  }

  /**
   * Evaluates the models at one step.
   *
   * @param models G, D and what the metrics need to know about them.
   * @param timings When given, receives the seconds each phase took
   *   (`generate`, `features`, `fid`, `is`, `kid`, `nearest`, `ssim_div`,
   *   `equilibrium`), for the performance benchmark.
   * @returns Every DESIGN.md §4 metric of the interval, by CSV column name.
   */
  async evaluate(
    models: ModelsAtStep,
    timings?: Record<string, number>,
  ): Promise<IntervalMetrics> {
    let mark = performance.now();
    const lap = (phase: string) => {
      const now = performance.now();
      if (timings) timings[phase] = (timings[phase] ?? 0) + (now - mark) / 1000;
      mark = now;
    };
    const { dataset, sizes } = this;
    const { conditional } = models;
    const generator = models.sampleGenerator ?? models.generator;
    const labelsFor = (start: number, end: number): tf.Tensor1D | null =>
      conditional ? balancedLabels(start, end, dataset.numClasses) : null;

    // Fakes from the fixed evaluation noise, at the native resolution.
    const nKeep = Math.min(
      sizes.nEval,
      Math.max(sizes.nNeighbour, 2 * sizes.nSsimPairs),
    );
    const kept: tf.Tensor4D[] = [];
    const features: tf.Tensor2D[] = [];
    const probabilities: tf.Tensor2D[] = [];
    for (let start = 0; start < sizes.nEval; start += CHUNK) {
      const end = Math.min(sizes.nEval, start + CHUNK);
      const fakes = tf.tidy(() => {
        const z = evalNoise(start, end, generator.zDim);
        const labels = labelsFor(start, end);
        const images = generator.apply(z, labels, false);
        return cropToNative(images, dataset.height, dataset.width);
      });
      if (timings) await fakes.data();
      lap("generate");
      const out = tf.tidy(() => this.evaluator.predict(fakes));
      features.push(out.features);
      probabilities.push(out.probabilities);
      if (timings) await out.features.data();
      lap("features");
      if (start < nKeep) {
        kept.push(
          tf.tidy(() =>
            toUnitRange(tf.slice(fakes, 0, Math.min(end, nKeep) - start))
          ),
        );
      }
      fakes.dispose();
    }
    const fakeFeatures = tf.concat(features) as tf.Tensor2D;
    const fakeProbs = tf.concat(probabilities) as tf.Tensor2D;
    tf.dispose([...features, ...probabilities]);
    const fakesUnit = tf.concat(kept) as tf.Tensor4D;
    tf.dispose(kept);

    const metrics: IntervalMetrics = {};
    lap("generate");
    try {
      metrics.fid = fidFromStats(
        await featureStats(fakeFeatures),
        this.realStats,
      );
      lap("fid");
      const is = await inceptionScore(fakeProbs, { splits: sizes.isSplits });
      metrics.is_mean = is.mean;
      metrics.is_std = is.std;
      lap("is");
      const k = await kid(fakeFeatures, this.#testFeatures, {
        subsets: sizes.kidSubsets,
        subsetSize: Math.min(sizes.kidSubsetSize, sizes.nEval),
        seed: 0,
      });
      metrics.kid_mean = k.mean;
      metrics.kid_std = k.std;
      metrics.fid_floor = this.fidFloor;
      lap("kid");

      const nn = tf.tidy(() =>
        tf.slice(fakesUnit, 0, Math.min(sizes.nNeighbour, nKeep))
      );
      const fidelity = await psnrSsimNearest(nn, this.#pool);
      nn.dispose();
      metrics.psnr_nn = fidelity.psnr;
      metrics.ssim_nn = fidelity.ssim;
      lap("nearest");
      const keptLabels = conditional
        ? Array.from({ length: nKeep }, (_, i) => i % dataset.numClasses)
        : undefined;
      metrics.ssim_div = await ssimDiversity(fakesUnit, {
        pairs: sizes.nSsimPairs,
        seed: 2,
        labels: keptLabels,
      });
      metrics.ssim_div_real = conditional
        ? this.ssimDivRealSameClass
        : this.ssimDivReal;
      lap("ssim_div");

      Object.assign(metrics, await this.#equilibrium(models));
      lap("equilibrium");
    } finally {
      tf.dispose([fakeFeatures, fakeProbs, fakesUnit]);
    }
    return metrics;
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
    tf.dispose([this.#testFeatures, this.#pool]);
  }

  async #equilibrium(models: ModelsAtStep): Promise<IntervalMetrics> {
    const { dataset } = this;
    const { discriminator, generator, trainShape, conditional } = models;
    const n = this.sizes.nEquilibrium;
    const scores = async (
      make: (start: number, end: number) => {
        images: tf.Tensor4D;
        labels: tf.Tensor1D | null;
      },
    ): Promise<Float32Array> => {
      const out = new Float32Array(n);
      for (let start = 0; start < n; start += CHUNK) {
        const end = Math.min(n, start + CHUNK);
        const s = tf.tidy(() => {
          const { images, labels } = make(start, end);
          const raw = discriminator.apply(images, labels, false);
          // A patch map counts as one score per image: the mean over patches.
          return tf.mean(tf.reshape(raw, [end - start, -1]), 1);
        });
        out.set(await s.data() as Float32Array, start);
        s.dispose();
      }
      return out;
    };
    const realsOf =
      (split: "test" | "train", idx: Int32Array) =>
      (start: number, end: number) => {
        const part = idx.subarray(start, end);
        const images = imagesAt(dataset, dataset[split], part, trainShape);
        const labels = conditional
          ? tf.tensor1d(
            Array.from(part, (i) => dataset[split].labels[i]),
            "int32",
          )
          : null;
        return { images, labels };
      };
    const realScores = await scores(realsOf("test", this.#equilibriumTest));
    const trainScores = await scores(realsOf("train", this.#equilibriumTrain));
    // Fresh fakes: noise seeded by the step, unlike the fixed evaluation set.
    const fakeScores = await scores((start, end) => {
      const z = tf.randomNormal(
        [end - start, generator.zDim],
        0,
        1,
        "float32",
        EVAL_NOISE_SEED + 1000 + models.step * 7 + start,
      ) as tf.Tensor2D;
      const labels = conditional
        ? balancedLabels(start, end, dataset.numClasses)
        : null;
      return { images: generator.apply(z, labels, false), labels };
    });
    const stats = equilibrium({
      realScores,
      fakeScores,
      trainScores,
      loss: models.loss,
      dLoss: models.dLoss,
    });
    return { ...stats };
  }
}

/**
 * The native image shape of a data set.
 *
 * @param dataset The data set.
 * @returns Its height, width and channels.
 */
export function nativeShape(dataset: Dataset): ImageShape {
  return {
    height: dataset.height,
    width: dataset.width,
    channels: dataset.channels,
  };
}

/**
 * Rows `start … end−1` of the fixed evaluation noise: the same numbers for
 * every cell of a data set, whatever the chunking (each row is seeded by its
 * index).
 *
 * @param start First row.
 * @param end One past the last row.
 * @param zDim Noise length.
 * @returns `[end − start, zDim]` standard normal noise.
 */
export function evalNoise(
  start: number,
  end: number,
  zDim: number,
): tf.Tensor2D {
  return tf.tidy(() => {
    const rows: tf.Tensor[] = [];
    for (let i = start; i < end; i += CHUNK) {
      const block = Math.floor(i / CHUNK);
      const full = tf.randomNormal(
        [CHUNK, zDim],
        0,
        1,
        "float32",
        EVAL_NOISE_SEED + block,
      );
      const from = i - block * CHUNK;
      const to = Math.min(end - block * CHUNK, CHUNK);
      rows.push(tf.slice(full, [from, 0], [to - from, zDim]));
    }
    return tf.concat(rows) as tf.Tensor2D;
  });
}

/**
 * Balanced labels for fakes: sample i gets class i mod numClasses.
 *
 * @param start First sample index.
 * @param end One past the last.
 * @param numClasses Number of classes.
 * @returns Int32 labels.
 */
export function balancedLabels(
  start: number,
  end: number,
  numClasses: number,
): tf.Tensor1D {
  return tf.tensor1d(
    Array.from({ length: end - start }, (_, k) => (start + k) % numClasses),
    "int32",
  );
}

/**
 * Runs the evaluator over `count` images made chunk by chunk, so that only
 * one chunk of images is alive at a time.
 *
 * @param evaluator The evaluator network.
 * @param images Makes the images `start … end−1` (disposed here).
 * @param count How many images.
 * @returns Features `[count, d]` and probabilities `[count, classes]`.
 */
export function predictInChunks(
  evaluator: EvaluatorNetwork,
  images: (start: number, end: number) => tf.Tensor4D,
  count: number,
): { features: tf.Tensor2D; probabilities: tf.Tensor2D } {
  const features: tf.Tensor2D[] = [];
  const probabilities: tf.Tensor2D[] = [];
  for (let start = 0; start < count; start += CHUNK) {
    const end = Math.min(count, start + CHUNK);
    const out = tf.tidy(() => ({ ...evaluator.predict(images(start, end)) }));
    features.push(out.features);
    probabilities.push(out.probabilities);
  }
  const result = {
    features: tf.concat(features) as tf.Tensor2D,
    probabilities: tf.concat(probabilities) as tf.Tensor2D,
  };
  tf.dispose([...features, ...probabilities]);
  return result;
}

function featuresOf(
  evaluator: EvaluatorNetwork,
  images: (start: number, end: number) => tf.Tensor4D,
  count: number,
): tf.Tensor2D {
  const { features, probabilities } = predictInChunks(evaluator, images, count);
  probabilities.dispose();
  return features;
}

async function cachedTestFeatures(
  dataset: Dataset,
  evaluator: EvaluatorNetwork,
  cacheDir: string | undefined,
): Promise<tf.Tensor2D> {
  const key = md5Hex(new TextEncoder().encode(JSON.stringify({
    dataset: dataset.id,
    checksums: dataset.checksums,
    count: dataset.test.count,
    evaluator: evaluator.checksum,
  }))).slice(0, 16);
  const path = cacheDir
    ? `${cacheDir}/features-${dataset.id}-${evaluator.id}-${key}.ckpt`
    : undefined;
  if (path) {
    try {
      const cached = await readCheckpoint(path);
      const tensor = cached?.tensors[0]?.tensor;
      if (cached && tensor) {
        const bytes = new Uint8Array(
          (await tensor.data() as Float32Array).buffer,
        );
        if (cached.state.md5 === md5Hex(bytes)) return tensor as tf.Tensor2D;
        tensor.dispose();
      }
    } catch {
      // A damaged cache is recomputed below.
    }
  }
  const native = nativeShape(dataset);
  const all = Int32Array.from({ length: dataset.test.count }, (_, i) => i);
  const features = featuresOf(
    evaluator,
    (start, end) =>
      imagesAt(dataset, dataset.test, all.subarray(start, end), native),
    all.length,
  );
  if (path) {
    await Deno.mkdir(cacheDir!, { recursive: true });
    const bytes = new Uint8Array(
      (await features.data() as Float32Array).buffer,
    );
    await writeCheckpoint(path, {
      step: 0,
      state: {
        md5: md5Hex(bytes),
        dataset: dataset.id,
        evaluator: evaluator.id,
      },
      tensors: [{ name: "test_features", tensor: features }],
    });
  }
  return features;
}
