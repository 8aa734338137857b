/**
 * Temperature scaling: the fitted T recovers a known temperature, lowers the
 * calibration error, and folding it divides a dense layer's outputs by T.
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import * as tfl from "@tensorflow/tfjs-layers";
import { assert } from "../_assert.ts";
import {
  expectedCalibrationError,
  fitTemperature,
  foldTemperature,
  meanNll,
} from "../../src/metrics/evaluators/calibration.ts";
import { mulberry32 } from "../../src/util/random.ts";

await tf.setBackend("cpu");

/**
 * `n` images of `k` classes whose labels are drawn from softmax(z) (so z are
 * calibrated logits), z ~ N(0, 2²) per class.
 */
function calibratedSample(n: number, k: number, seed: number) {
  const rng = mulberry32(seed);
  const gauss = () =>
    Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const z = new Float64Array(n * k);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let c = 0; c < k; c++) {
      z[i * k + c] = 2 * gauss();
      sum += Math.exp(z[i * k + c]);
    }
    let u = rng() * sum;
    let c = 0;
    while (c < k - 1 && (u -= Math.exp(z[i * k + c])) > 0) c++;
    labels[i] = c;
  }
  return { z, labels };
}

const scaled = (z: Float64Array, factor: number) => z.map((v) => v * factor);

Deno.test("meanNll: uniform logits over two classes cost ln 2", () => {
  const nll = meanNll(
    new Float32Array([0, 0, 5, 5]),
    new Uint8Array([0, 1]),
    2,
    1,
  );
  assert.ok(Math.abs(nll - Math.LN2) < 1e-12);
});

Deno.test("fitTemperature recovers the temperature of over- and under-confident logits", () => {
  const { z, labels } = calibratedSample(8000, 10, 7);
  for (const factor of [3, 1, 0.5]) {
    const t = fitTemperature(scaled(z, factor), labels, 10);
    // Logits multiplied by f need T = f; sampling noise of 8000 labels.
    assert.ok(
      Math.abs(t / factor - 1) < 0.06,
      `×${factor}: fitted T ${t}`,
    );
  }
});

Deno.test("fitTemperature lowers the NLL and the ECE of miscalibrated logits", () => {
  const { z, labels } = calibratedSample(8000, 10, 8);
  const over = scaled(z, 3);
  const fit = {
    logits: over.subarray(0, 40000),
    labels: labels.subarray(0, 4000),
  };
  const check = { logits: over.subarray(40000), labels: labels.subarray(4000) };
  const t = fitTemperature(fit.logits, fit.labels, 10);
  const nllBefore = meanNll(check.logits, check.labels, 10, 1);
  const nllAfter = meanNll(check.logits, check.labels, 10, t);
  const eceBefore = expectedCalibrationError(check.logits, check.labels, 10);
  const eceAfter = expectedCalibrationError(check.logits, check.labels, 10, t);
  assert.ok(nllAfter < nllBefore, `NLL ${nllBefore} → ${nllAfter}`);
  assert.ok(eceBefore > 0.1, `over-confident ECE ${eceBefore}`);
  assert.ok(eceAfter < 0.03, `calibrated ECE ${eceAfter}`);
});

Deno.test("fitTemperature refuses logits that are not labels × classes", () => {
  assert.throws(
    () => fitTemperature(new Float32Array(5), new Uint8Array(2), 2),
    /^Error: fitTemperature: 5 logits for 2 labels × 2 classes$/,
  );
});

Deno.test("expectedCalibrationError: confident and right is 0, confident and wrong is ≈ 1", () => {
  assert.ok(
    expectedCalibrationError(
      new Float32Array([40, 0]),
      new Uint8Array([0]),
      2,
    ) < 1e-12,
  );
  assert.ok(
    expectedCalibrationError(
      new Float32Array([40, 0]),
      new Uint8Array([1]),
      2,
    ) > 1 - 1e-12,
  );
});

Deno.test("foldTemperature divides a dense layer's outputs by T and refuses T ≤ 0", () => {
  const dense = tfl.layers.dense({
    units: 3,
    inputShape: [4],
    kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }),
    biasInitializer: "ones",
  });
  const model = tfl.sequential({ layers: [dense] });
  const x = tf.tensor2d([[1, -2, 0.5, 3], [0, 1, 1, -1]]);
  const before = (model.predict(x) as tf.Tensor).arraySync() as number[][];
  foldTemperature(dense, 2.5);
  const after = (model.predict(x) as tf.Tensor).arraySync() as number[][];
  before.flat().forEach((v, i) => {
    assert.ok(Math.abs(after.flat()[i] - v / 2.5) < 1e-6, `${i}`);
  });
  assert.throws(() => foldTemperature(dense, 0), /T 0 must be finite and > 0/);
  model.dispose();
});
