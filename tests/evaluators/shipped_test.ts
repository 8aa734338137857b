/**
 * The committed evaluator networks meet the accuracy targets of issue #15
 * (MNIST ≥ 99.0 %, Fashion-MNIST ≥ 90 %, CIFAR-10 ≥ 85 %) and the v2 feature
 * and calibration requirements (≥ 90 % of feature units live on the test
 * split, a fitted temperature), and one forward pass of the full test split
 * (wasm, the backend they were trained on) reproduces what their manifests
 * record: test accuracy, live units, effective rank and the calibrated NLL
 * on the check half.
 */
import * as tf from "@tensorflow/tfjs-core";
import { equal, ok } from "../_assert.ts";
import { initBackend } from "../../src/backend/init.ts";
import { loadDataset } from "../../src/data/registry.ts";
import { toImageTensor } from "../../src/data/tensor.ts";
import type { Split } from "../../src/data/types.ts";
import {
  loadEvaluator,
  readEvaluatorManifest,
} from "../../src/metrics/evaluators/load.ts";
import { featureLayerStats } from "../../src/metrics/evaluators/feature_layer_stats.ts";
import type { Evaluator } from "../../src/metrics/evaluators/types.ts";

await initBackend("wasm");

/** Accuracy targets per data set. */
const TARGETS = { mnist: 0.99, fashion: 0.9, cifar10: 0.85 } as const;

/** Features and probabilities of every image of a split, one pass. */
async function forwardAll(
  evaluator: Evaluator,
  split: Split,
  shape: [number, number, number],
): Promise<{ features: Float32Array; probabilities: Float32Array }> {
  const features = new Float32Array(split.count * evaluator.featureDim);
  const probabilities = new Float32Array(split.count * evaluator.numClasses);
  for (let start = 0; start < split.count; start += 500) {
    const end = Math.min(split.count, start + 500);
    const idx = Int32Array.from({ length: end - start }, (_, i) => start + i);
    const images = toImageTensor(split, shape, idx) as tf.Tensor4D;
    const out = evaluator.predict(images);
    images.dispose();
    features.set(await out.features.data(), start * evaluator.featureDim);
    probabilities.set(
      await out.probabilities.data(),
      start * evaluator.numClasses,
    );
    tf.dispose([out.features, out.probabilities]);
  }
  return { features, probabilities };
}

for (const [dataset, target] of Object.entries(TARGETS)) {
  Deno.test(`shipped ${dataset} evaluator: ≥ ${target * 100} %, ≥ 90 % live features, calibrated, and one test pass reproduces its manifest`, async () => {
    const manifest = await readEvaluatorManifest(dataset);
    ok(
      manifest.testAccuracy >= target,
      `${dataset}: manifest test accuracy ${manifest.testAccuracy} < ${target}`,
    );
    equal(manifest.testImages, 10000);
    const stats = manifest.featureStats;
    const calibration = manifest.calibration;
    ok(stats, `${dataset}: manifest has no featureStats`);
    ok(calibration, `${dataset}: manifest has no calibration`);
    ok(stats.liveShare >= 0.9, `${dataset}: live share ${stats.liveShare}`);

    const ds = await loadDataset(dataset as keyof typeof TARGETS);
    const evaluator = await loadEvaluator(dataset); // verifies the md5
    try {
      const n = ds.test.count;
      const k = evaluator.numClasses;
      const { features, probabilities } = await forwardAll(
        evaluator,
        ds.test,
        manifest.inputShape,
      );
      let correct = 0;
      let nll = 0;
      const half = Math.floor(n / 2);
      for (let i = 0; i < n; i++) {
        const row = probabilities.subarray(i * k, (i + 1) * k);
        let best = 0;
        for (let c = 1; c < k; c++) if (row[c] > row[best]) best = c;
        if (best === ds.test.labels[i]) correct++;
        if (i >= half) nll -= Math.log(Math.max(row[ds.test.labels[i]], 1e-30));
      }
      const accuracy = correct / n;
      // Float summation order may flip a borderline image or two.
      ok(
        Math.abs(accuracy - manifest.testAccuracy) <= 2e-4,
        `${dataset}: measured ${accuracy}, manifest ${manifest.testAccuracy}`,
      );
      // The folded temperature is in the weights: the softmax the metrics
      // read gives the NLL the calibration recorded after scaling.
      const checkNll = nll / (n - half);
      ok(
        Math.abs(checkNll - calibration.nllAfter) <=
          2e-3 * calibration.nllAfter + 1e-5,
        `${dataset}: check-half NLL ${checkNll}, manifest ${calibration.nllAfter}`,
      );
      const measured = featureLayerStats(features, n);
      equal(measured.units, stats.units);
      equal(measured.liveUnits, stats.liveUnits);
      ok(
        Math.abs(measured.effectiveRank - stats.effectiveRank) <=
          1e-3 * stats.effectiveRank,
        `${dataset}: effective rank ${measured.effectiveRank}, manifest ${stats.effectiveRank}`,
      );
    } finally {
      evaluator.dispose();
    }
  });
}
