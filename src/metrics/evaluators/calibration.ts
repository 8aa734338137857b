/**
 * Temperature scaling of an evaluator's probabilities (Guo et al. 2017):
 * one scalar T, fitted by minimising the negative log-likelihood of held-out
 * labels, divides the logits. T changes no prediction (the argmax is the
 * same), only how sure the probabilities are; the Inception Score and the
 * class histograms read those probabilities, so an over-smoothed classifier
 * (trained with label smoothing: T < 1 sharpens it) makes real data score far below
 * what its accuracy allows.
 *
 * The fitted T is folded into the `logits` layer (kernel and bias divided by
 * T), so a calibrated evaluator is an ordinary model file and every reader
 * gets the calibrated probabilities without knowing about T.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";

/** Bins of the expected calibration error (Guo et al.'s 15). */
export const ECE_BINS = 15;

/** The interval searched for T. */
const LOG_T_RANGE: [number, number] = [Math.log(0.02), Math.log(50)];

/**
 * Mean negative log-likelihood of the labels under softmax(logits / T).
 *
 * @param logits Row-major `[n, k]` logits.
 * @param labels `n` class indices.
 * @param k The number of classes.
 * @param temperature T > 0.
 * @returns The mean NLL in nats.
 * @example
 * ```ts
 * import { meanNll } from "./calibration.ts";
 * meanNll(new Float32Array([0, 0]), new Uint8Array([1]), 2, 1); // ln 2
 * ```
 */
export function meanNll(
  logits: ArrayLike<number>,
  labels: ArrayLike<number>,
  k: number,
  temperature: number,
): number {
  const n = labels.length;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, logits[i * k + c]);
    let z = 0;
    for (let c = 0; c < k; c++) {
      z += Math.exp((logits[i * k + c] - max) / temperature);
    }
    sum -= (logits[i * k + labels[i]] - max) / temperature - Math.log(z);
  }
  return sum / n;
}

/**
 * Fits the temperature that minimises the mean NLL of `labels`, by
 * golden-section search on log T over [0.02, 50] (the NLL is convex in 1/T,
 * so it has one minimum there). Throws when the inputs disagree in size.
 *
 * @param logits Row-major `[n, k]` logits of held-out images.
 * @param labels Their `n` labels.
 * @param k The number of classes.
 * @returns T, to 1e-6 relative.
 * @example
 * ```ts
 * import { fitTemperature } from "./calibration.ts";
 * // Two images, both right and over-sure: T > 1 softens them.
 * fitTemperature(new Float32Array([9, 0, 0, 9]), new Uint8Array([0, 1]), 2) > 1; // true
 * ```
 */
export function fitTemperature(
  logits: ArrayLike<number>,
  labels: ArrayLike<number>,
  k: number,
): number {
  if (labels.length === 0 || logits.length !== labels.length * k) {
    throw new Error(
      `fitTemperature: ${logits.length} logits for ${labels.length} labels × ${k} classes`,
    );
  }
  const nll = (logT: number) => meanNll(logits, labels, k, Math.exp(logT));
  const ratio = (Math.sqrt(5) - 1) / 2;
  let [lo, hi] = LOG_T_RANGE;
  let a = hi - ratio * (hi - lo);
  let b = lo + ratio * (hi - lo);
  let fa = nll(a);
  let fb = nll(b);
  while (hi - lo > 1e-6) {
    if (fa <= fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - ratio * (hi - lo);
      fa = nll(a);
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + ratio * (hi - lo);
      fb = nll(b);
    }
  }
  return Math.exp((lo + hi) / 2);
}

/**
 * Expected calibration error: images binned by their top probability into
 * {@linkcode ECE_BINS} equal-width bins; the image-weighted mean over bins of
 * |mean top probability − accuracy|.
 *
 * @param logits Row-major `[n, k]` logits.
 * @param labels `n` labels.
 * @param k The number of classes.
 * @param temperature T applied before the softmax (default 1).
 * @returns The ECE in [0, 1].
 * @example
 * ```ts
 * import { expectedCalibrationError } from "./calibration.ts";
 * // Sure (p ≈ 1) and right: no calibration error.
 * expectedCalibrationError(new Float32Array([30, 0]), new Uint8Array([0]), 2) < 1e-9; // true
 * ```
 */
export function expectedCalibrationError(
  logits: ArrayLike<number>,
  labels: ArrayLike<number>,
  k: number,
  temperature = 1,
): number {
  const n = labels.length;
  const count = new Float64Array(ECE_BINS);
  const confidence = new Float64Array(ECE_BINS);
  const correct = new Float64Array(ECE_BINS);
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    let argmax = 0;
    for (let c = 0; c < k; c++) {
      if (logits[i * k + c] > max) {
        max = logits[i * k + c];
        argmax = c;
      }
    }
    let z = 0;
    for (let c = 0; c < k; c++) {
      z += Math.exp((logits[i * k + c] - max) / temperature);
    }
    const top = 1 / z;
    const bin = Math.min(ECE_BINS - 1, Math.floor(top * ECE_BINS));
    count[bin]++;
    confidence[bin] += top;
    if (argmax === labels[i]) correct[bin]++;
  }
  let ece = 0;
  for (let b = 0; b < ECE_BINS; b++) {
    ece += Math.abs(confidence[b] - correct[b]);
  }
  return ece / n;
}

/**
 * Divides a dense layer's kernel and bias by T in place, so that its outputs
 * become logits / T.
 *
 * @param layer The `logits` layer (dense, with a bias).
 * @param temperature T > 0.
 * @example
 * ```ts
 * import * as tfl from "@tensorflow/tfjs-layers";
 * import { foldTemperature } from "./calibration.ts";
 * const dense = tfl.layers.dense({ units: 2, inputShape: [3] });
 * tfl.sequential({ layers: [dense] });
 * foldTemperature(dense, 2); // outputs halved
 * ```
 */
export function foldTemperature(
  layer: tfl.layers.Layer,
  temperature: number,
): void {
  if (!(temperature > 0) || !Number.isFinite(temperature)) {
    throw new Error(`foldTemperature: T ${temperature} must be finite and > 0`);
  }
  const scaled = layer.getWeights().map((w) => tf.div(w, temperature));
  layer.setWeights(scaled);
  tf.dispose(scaled);
}
