/**
 * The committed evaluator networks meet the accuracy targets of issue #4
 * (MNIST ≥ 99.0 %, Fashion-MNIST ≥ 90 %, CIFAR-10 ≥ 80 %), and their weights
 * reproduce the test accuracy recorded in their manifests on the full test
 * split (wasm, the backend they were trained on).
 */
import { equal, ok } from "../_assert.ts";
import { initBackend } from "../../src/backend/init.ts";
import { loadDataset } from "../../src/data/registry.ts";
import {
  loadEvaluator,
  readEvaluatorManifest,
} from "../../src/metrics/evaluators/load.ts";
import { testAccuracy } from "../../src/metrics/evaluators/accuracy.ts";

await initBackend("wasm");

/** Accuracy targets per data set. */
const TARGETS = { mnist: 0.99, fashion: 0.9, cifar10: 0.8 } as const;

for (const [dataset, target] of Object.entries(TARGETS)) {
  Deno.test(`shipped ${dataset} evaluator: ≥ ${target * 100} % and reproduces its manifest's test accuracy`, async () => {
    const manifest = await readEvaluatorManifest(dataset);
    ok(
      manifest.testAccuracy >= target,
      `${dataset}: manifest test accuracy ${manifest.testAccuracy} < ${target}`,
    );
    equal(manifest.testImages, 10000);
    const ds = await loadDataset(dataset as keyof typeof TARGETS);
    const evaluator = await loadEvaluator(dataset); // verifies the md5
    try {
      const measured = await testAccuracy(
        (x) => evaluator.probabilities(x),
        ds.test,
        manifest.inputShape,
      );
      // Float summation order may flip a borderline image or two.
      ok(
        Math.abs(measured - manifest.testAccuracy) <= 2e-4,
        `${dataset}: measured ${measured}, manifest ${manifest.testAccuracy}`,
      );
    } finally {
      evaluator.dispose();
    }
  });
}
