/**
 * The image metrics of an interval: fakes from the fixed evaluation noise
 * at the native resolution, then FID, IS, KID, `fid_floor`, nearest-
 * neighbour PSNR/SSIM, SSIM diversity and precision, recall, density and
 * coverage.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Dataset } from "../data/types.ts";
import {
  featureStats,
  fidFromStats,
  inceptionScore,
  kid,
  prdc,
  type PrdcReal,
  psnrSsimNearest,
  ssimDiversity,
  toUnitRange,
} from "../metrics/mod.ts";
import type { Generator } from "../models/types.ts";
import type { EvaluationSizes } from "../spec/types.ts";
import { cropToNative } from "../train/real_batch.ts";
import { classMetrics } from "./class_metrics.ts";
import { memorisationMetrics } from "./memorisation.ts";
import { kidSettings } from "./kid_settings.ts";
import type { PhaseTimer } from "./phase_timer.ts";
import type { RealData } from "./real_data.ts";
import { balancedLabels, EVAL_CHUNK, evalNoise } from "./sampling.ts";
import type { EvaluatorNetwork, IntervalMetrics } from "./types.ts";

/** The fakes of one interval, as the image metrics read them. */
export interface FakeSamples {
  /** Evaluator features of all `nEval` fakes, `[nEval, d]`. */
  features: tf.Tensor2D;
  /** Evaluator class probabilities of all fakes, `[nEval, classes]`. */
  probabilities: tf.Tensor2D;
  /** The first fakes in [0, 1], as many as PSNR/SSIM need. */
  unit: tf.Tensor4D;
}

/** What {@linkcode sampleFakes} needs to make and read the fakes. */
export interface FakeSource {
  /** The data set (native size, classes). */
  dataset: Dataset;
  /** The evaluator network. */
  evaluator: EvaluatorNetwork;
  /** The evaluation sizes. */
  sizes: EvaluationSizes;
  /** The generator whose samples are scored. */
  generator: Generator;
  /** Whether it takes labels (then balanced: sample i is class i mod K). */
  conditional: boolean;
}

/**
 * How many fakes are kept in [0, 1] for the nearest-neighbour and SSIM
 * diversity metrics.
 *
 * @param sizes The evaluation sizes.
 * @returns min(nEval, max(nNeighbour, 2 · nSsimPairs)).
 */
function keptCount(sizes: EvaluationSizes): number {
  return Math.min(
    sizes.nEval,
    Math.max(sizes.nNeighbour, 2 * sizes.nSsimPairs),
  );
}

/**
 * Generates `nEval` fakes from the fixed evaluation noise, chunk by chunk,
 * cropped to the native size, and runs the evaluator over them.
 *
 * @param source The generator, data set, evaluator and sizes.
 * @param timer Receives the `generate` and `features` phases.
 * @returns Features, probabilities and the kept fakes (caller disposes).
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { sampleFakes } from "./image_metrics.ts";
 * import { phaseTimer } from "./phase_timer.ts";
 * import type { FakeSource } from "./image_metrics.ts";
 * declare const source: FakeSource;
 * const fakes = await sampleFakes(source, phaseTimer());
 * tf.dispose([fakes.features, fakes.probabilities, fakes.unit]);
 * ```
 */
export async function sampleFakes(
  source: FakeSource,
  timer: PhaseTimer,
): Promise<FakeSamples> {
  const { dataset, evaluator, sizes, generator, conditional } = source;
  const nKeep = keptCount(sizes);
  const kept: tf.Tensor4D[] = [];
  const features: tf.Tensor2D[] = [];
  const probabilities: tf.Tensor2D[] = [];
  for (let start = 0; start < sizes.nEval; start += EVAL_CHUNK) {
    const end = Math.min(sizes.nEval, start + EVAL_CHUNK);
    const fakes = tf.tidy(() => {
      const z = evalNoise(start, end, generator.zDim);
      const labels = conditional
        ? balancedLabels(start, end, dataset.numClasses)
        : null;
      const images = generator.apply(z, labels, false);
      return cropToNative(images, dataset.height, dataset.width);
    });
    if (timer.active) await fakes.data();
    timer.lap("generate");
    const out = tf.tidy(() => evaluator.predict(fakes));
    features.push(out.features);
    probabilities.push(out.probabilities);
    if (timer.active) await out.features.data();
    timer.lap("features");
    if (start < nKeep) {
      kept.push(
        tf.tidy(() =>
          toUnitRange(tf.slice(fakes, 0, Math.min(end, nKeep) - start))
        ),
      );
    }
    fakes.dispose();
  }
  const result = {
    features: tf.concat(features) as tf.Tensor2D,
    probabilities: tf.concat(probabilities) as tf.Tensor2D,
    unit: tf.concat(kept) as tf.Tensor4D,
  };
  tf.dispose([...features, ...probabilities, ...kept]);
  return result;
}

/**
 * FID, IS, KID, `fid_floor`, nearest-neighbour PSNR/SSIM, SSIM diversity
 * and precision/recall/density/coverage of the fakes against the prepared
 * real data.
 *
 * @param fakes The fakes' features, probabilities and kept images.
 * @param real The prepared real data.
 * @param sizes The evaluation sizes.
 * @param numClasses Classes of the data set (labels of conditional fakes).
 * @param conditional Whether the fakes are class-balanced.
 * @param timer Receives the `fid`, `is`, `kid`, `nearest`, `memorisation`,
 *   `ssim_div` and `prdc` phases.
 * @returns The metrics, by CSV column name.
 * @example
 * ```ts
 * import { imageMetrics } from "./image_metrics.ts";
 * import { phaseTimer } from "./phase_timer.ts";
 * import type { FakeSamples } from "./image_metrics.ts";
 * import type { RealData } from "./real_data.ts";
 * import type { EvaluationSizes } from "../spec/types.ts";
 * declare const fakes: FakeSamples; // from `sampleFakes`
 * declare const real: RealData; // from `prepareRealData`
 * declare const sizes: EvaluationSizes;
 * const metrics = await imageMetrics(fakes, real, sizes, 10, false, phaseTimer());
 * metrics.fid;
 * ```
 */
export async function imageMetrics(
  fakes: FakeSamples,
  real: RealData,
  sizes: EvaluationSizes,
  numClasses: number,
  conditional: boolean,
  timer: PhaseTimer,
): Promise<IntervalMetrics> {
  const metrics: IntervalMetrics = {};
  metrics.fid = fidFromStats(
    await featureStats(fakes.features),
    real.realStats,
    { allowSingular: sizes.singularFid === "warn" },
  );
  timer.lap("fid");
  const is = await inceptionScore(fakes.probabilities, {
    splits: sizes.isSplits,
  });
  metrics.is_mean = is.mean;
  metrics.is_std = is.std;
  // classes_covered, class_kl, label_acc: from the same probabilities.
  Object.assign(
    metrics,
    await classMetrics(
      fakes.probabilities,
      real.realClassCounts,
      numClasses,
      conditional,
    ),
  );
  timer.lap("is");
  const k = await kid(fakes.features, real.testFeatures, {
    ...kidSettings(sizes),
    reference: real.kidReference,
  });
  metrics.kid_mean = k.mean;
  metrics.kid_std = k.std;
  metrics.kid_se = k.se;
  metrics.fid_floor = real.fidFloor;
  metrics.fid_floor_std = real.fidFloorStd;
  timer.lap("kid");
  Object.assign(metrics, await nearestMetrics(fakes, real, sizes));
  timer.lap("nearest");
  Object.assign(metrics, await copyMetrics(fakes, real, sizes));
  timer.lap("memorisation");
  const nKeep = keptCount(sizes);
  const keptLabels = conditional
    ? Array.from({ length: nKeep }, (_, i) => i % numClasses)
    : undefined;
  metrics.ssim_div = await ssimDiversity(fakes.unit, {
    pairs: sizes.nSsimPairs,
    seed: 2,
    labels: keptLabels,
  });
  metrics.ssim_div_real = conditional
    ? real.ssimDivRealSameClass
    : real.ssimDivReal;
  timer.lap("ssim_div");
  Object.assign(metrics, await prdcMetrics(fakes.features, real.prdcReference));
  timer.lap("prdc");
  return metrics;
}

/**
 * Precision, recall (k = 3), density and coverage (k = 5) of the fakes'
 * features against the real test features, whose radii were prepared once
 * per run. Absent when a set is too small for its k.
 */
async function prdcMetrics(
  fakes: tf.Tensor2D,
  real: PrdcReal | undefined,
): Promise<IntervalMetrics> {
  if (fakes.shape[0] <= 3 || !real) return {};
  const r = await prdc(real, fakes);
  return {
    precision: r.precision,
    recall: r.recall,
    density: r.density,
    coverage: r.coverage,
  };
}

/** Copy rates and `nn_dist_ratio` of the first `nNeighbour` fakes (whole train split). */
async function copyMetrics(
  fakes: FakeSamples,
  real: RealData,
  sizes: EvaluationSizes,
): Promise<IntervalMetrics> {
  const reference = real.memorisation;
  if (!reference) return {};
  const n = Math.min(sizes.nNeighbour, keptCount(sizes));
  const [unit, features] = tf.tidy(() => [
    tf.slice(fakes.unit, 0, n) as tf.Tensor4D,
    tf.slice(fakes.features, 0, n) as tf.Tensor2D,
  ]);
  try {
    return await memorisationMetrics(unit, features, reference);
  } finally {
    tf.dispose([unit, features]);
  }
}

/** PSNR/SSIM of the first `nNeighbour` fakes to their nearest real image. */
async function nearestMetrics(
  fakes: FakeSamples,
  real: RealData,
  sizes: EvaluationSizes,
): Promise<IntervalMetrics> {
  const nn = tf.tidy(() =>
    tf.slice(fakes.unit, 0, Math.min(sizes.nNeighbour, keptCount(sizes)))
  );
  try {
    const fidelity = await psnrSsimNearest(nn, real.pool);
    return { psnr_nn: fidelity.psnr, ssim_nn: fidelity.ssim };
  } finally {
    nn.dispose();
  }
}
