/**
 * Known values of mode coverage (`classes_covered`, `class_kl`) and label
 * accuracy: uniform, collapsed and two-class histograms, the covered
 * threshold at its edge, the smoothing of a real class that never occurs,
 * and the input checks.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { assert, assertClose } from "../_assert.ts";
import {
  classCounts,
  labelAccuracy,
  modeCoverage,
  predictedClasses,
} from "../../src/metrics/mod.ts";
import { noLeak, setupBackend } from "./_setup.ts";

const UNIFORM_10 = new Array(10).fill(100);

Deno.test("modeCoverage: samples classified like the real ones cover every class at KL 0", () => {
  const r = modeCoverage(new Array(10).fill(200), UNIFORM_10);
  assert.equal(r.classesCovered, 10);
  assert.equal(r.classKl, 0);
});

Deno.test("modeCoverage: collapse onto one of ten balanced classes is 1 class, KL = ln 10", () => {
  const fake = new Array(10).fill(0);
  fake[3] = 2000;
  const r = modeCoverage(fake, UNIFORM_10);
  assert.equal(r.classesCovered, 1);
  assertClose(r.classKl, Math.log(10), 1e-12);
});

Deno.test("modeCoverage: two of ten classes, half each, is 2 classes, KL = ln 5", () => {
  const fake = new Array(10).fill(0);
  fake[0] = 1000;
  fake[7] = 1000;
  const r = modeCoverage(fake, UNIFORM_10);
  assert.equal(r.classesCovered, 2);
  assertClose(r.classKl, Math.log(5), 1e-12);
});

Deno.test("modeCoverage: KL by hand against a uniform and a skewed real histogram", () => {
  // p = (0.3, 0.2, 0.5) against q = 1/3 each: Σ p ln(3p).
  const r = modeCoverage([30, 20, 50], [7, 7, 7]);
  assertClose(
    r.classKl,
    0.3 * Math.log(0.9) + 0.2 * Math.log(0.6) + 0.5 * Math.log(1.5),
    1e-12,
  );
  assert.equal(r.classesCovered, 3);
  // p = (½, ½) against q = (¼, ¾): ½ ln 2 + ½ ln ⅔ = ½ ln(4/3) unsmoothed,
  // and the smoothing q̃ = (q + ε)/(1 + 2ε) by its formula.
  const exact = modeCoverage([50, 50], [25, 75], { epsilon: 0 });
  assertClose(exact.classKl, 0.5 * Math.log(4 / 3), 1e-12);
  const eps = 1e-6;
  const q = [0.25, 0.75].map((v) => (v + eps) / (1 + 2 * eps));
  const smoothed = modeCoverage([50, 50], [25, 75]);
  assertClose(
    smoothed.classKl,
    0.5 * Math.log(0.5 / q[0]) + 0.5 * Math.log(0.5 / q[1]),
    1e-12,
  );
  assert.ok(Math.abs(smoothed.classKl - exact.classKl) < 1e-5);
});

Deno.test("modeCoverage: a class counts from 1/(4K) of the samples (or minShare)", () => {
  // N = 400, K = 10: the default threshold is 400/40 = 10 samples.
  const fake = [10, 9, 1, 0, 380, 0, 0, 0, 0, 0];
  assert.equal(modeCoverage(fake, UNIFORM_10).classesCovered, 2);
  assert.equal(
    modeCoverage(fake, UNIFORM_10, { minShare: 0 }).classesCovered,
    4,
  );
  assert.equal(
    modeCoverage(fake, UNIFORM_10, { minShare: 0.5 }).classesCovered,
    1,
  );
});

Deno.test("modeCoverage: a class the real data never gets keeps the KL finite (ln((1 + 2ε)/ε))", () => {
  const r = modeCoverage([0, 40], [10, 0]);
  assert.equal(r.classesCovered, 1);
  assertClose(r.classKl, Math.log((1 + 2e-6) / 1e-6), 1e-9);
  assertClose(
    modeCoverage([0, 40], [10, 0], { epsilon: 1e-3 }).classKl,
    Math.log((1 + 2e-3) / 1e-3),
    1e-9,
  );
});

Deno.test("modeCoverage: malformed histograms and options are refused", () => {
  assert.throws(
    () => modeCoverage([1, 2], [1, 2, 3]),
    /^Error: modeCoverage: class histograms must be non-empty and of equal length, got 2 and 3$/,
  );
  assert.throws(
    () => modeCoverage([0, 0], [1, 1]),
    /^Error: modeCoverage: the fake histogram is empty \(sum 0\)$/,
  );
  assert.throws(
    () => modeCoverage([1, 1], [1, -1]),
    /^Error: modeCoverage: real count of class 1 must be a finite number ≥ 0, got -1$/,
  );
  assert.throws(
    () => modeCoverage([1, NaN], [1, 1]),
    /^Error: modeCoverage: fake count of class 1 must be a finite number ≥ 0, got NaN$/,
  );
  assert.throws(
    () => modeCoverage([1, 1], [1, 1], { minShare: 2 }),
    /^Error: modeCoverage: minShare must be in \[0, 1\], got 2$/,
  );
  assert.throws(
    () => modeCoverage([1, 1], [1, 1], { epsilon: -1 }),
    /^Error: modeCoverage: epsilon must be a finite number ≥ 0, got -1$/,
  );
});

Deno.test("classCounts: counts per class; indices outside [0, K) are refused", () => {
  assert.deepEqual(classCounts([0, 2, 2, 3, 2], 4), [1, 0, 3, 1]);
  assert.deepEqual(classCounts([], 3), [0, 0, 0]);
  assert.throws(
    () => classCounts([0, 4], 4),
    /^Error: classCounts: class index 4 at position 1 is not in \[0, 4\)$/,
  );
  assert.throws(
    () => classCounts([0], 0),
    /^Error: classCounts: numClasses must be a positive integer, got 0$/,
  );
});

Deno.test("labelAccuracy: the share of samples classified as requested", () => {
  assert.equal(labelAccuracy([0, 1, 2, 3], [0, 1, 2, 3]), 1);
  assert.equal(labelAccuracy([0, 1, 1, 3], [0, 1, 2, 3]), 0.75);
  assert.equal(labelAccuracy(Int32Array.from([5, 5, 5, 5]), [0, 1, 2, 3]), 0);
  assert.throws(
    () => labelAccuracy([0, 1], [0]),
    /^Error: labelAccuracy: predicted and requested labels must be non-empty and of equal length, got 2 and 1$/,
  );
  assert.throws(() => labelAccuracy([], []), /non-empty/);
});

Deno.test("predictedClasses → classCounts → modeCoverage from probabilities, no leak", async () => {
  await setupBackend();
  // 12 samples over 4 classes: rows i predict class i mod 3 (class 3 never).
  const probs = tf.tidy(() =>
    tf.softmax(
      tf.mul(
        tf.oneHot(
          tf.tensor1d(Array.from({ length: 12 }, (_, i) => i % 3), "int32"),
          4,
        ),
        5,
      ),
    ) as tf.Tensor2D
  );
  const classes = await noLeak(() => predictedClasses(probs));
  assert.deepEqual(Array.from(classes), [0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2]);
  const counts = classCounts(classes, 4);
  assert.deepEqual(counts, [4, 4, 4, 0]);
  const r = modeCoverage(counts, [1, 1, 1, 1]);
  assert.equal(r.classesCovered, 3);
  assertClose(r.classKl, Math.log(4 / 3), 1e-12);
  assert.equal(
    labelAccuracy(classes, Array.from({ length: 12 }, (_, i) => i % 4)),
    // Agree where i mod 3 = i mod 4: i = 0, 1, 2.
    3 / 12,
  );
  probs.dispose();
  const flat = tf.tensor1d([0.5, 0.5]);
  await assert.rejects(
    () => predictedClasses(flat as unknown as tf.Tensor2D),
    /^Error: predictedClasses: probabilities must be 2-D \[N, classes\], got shape \[2\]$/,
  );
  flat.dispose();
});
