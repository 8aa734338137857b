/**
 * Cost and reference point of the memorisation test on one data set: the
 * one-off train-feature pass, the once-per-run reference search, and the
 * per-interval search for `nNeighbour` queries (feature space, pooled pixel
 * space, and full-resolution pixel space for comparison). The queries are
 * held-out real test images (not the reference sample), so the printed
 * columns are the "real test set vs train" reference point.
 *
 * Usage: `deno run -A benchmarks/memorisation_cost.ts [mnist] [1000] [backend]`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../src/backend/init.ts";
import type { BackendChoice } from "../src/backend/mod.ts";
import { loadDataset } from "../src/data/registry.ts";
import { fixedSubset } from "../src/data/sampler.ts";
import { loadEvaluator } from "../src/metrics/evaluators/load.ts";
import { nearestDistances } from "../src/metrics/nearest_train.ts";
import {
  disposeMemorisation,
  memorisationMetrics,
  pixelRows,
  prepareMemorisation,
} from "../src/evaluation/memorisation.ts";
import { cachedTrainFeatures } from "../src/evaluation/train_feature_cache.ts";
import { featuresInChunks, nativeShape } from "../src/evaluation/sampling.ts";
import { imagesAt } from "../src/train/real_batch.ts";

const id = Deno.args[0] ?? "mnist";
const n = Number(Deno.args[1] ?? 1000);
const info = await initBackend((Deno.args[2] ?? "wasm") as BackendChoice);
console.log(`# ${info.message}`);
const dataset = await loadDataset(id);
const evaluator = await loadEvaluator(id);
const seconds = (t: number) => ((performance.now() - t) / 1000).toFixed(2);

const cacheDir = await Deno.makeTempDir({ prefix: "ganbench-mem-" });
let t = performance.now();
(await cachedTrainFeatures(dataset, evaluator, cacheDir)).dispose();
console.log(
  `train features, ${dataset.train.count} images (one-off): ${seconds(t)} s`,
);
t = performance.now();
(await cachedTrainFeatures(dataset, evaluator, cacheDir)).dispose();
console.log(`train features read back from the cache: ${seconds(t)} s`);
t = performance.now();
const ref = await prepareMemorisation(dataset, evaluator, n, cacheDir);
console.log(
  `prepare (cache warm; reference search of ${ref.nReference} test images): ${
    seconds(t)
  } s`,
);
console.log(
  `thresholds: feature ${
    ref.featThreshold.toFixed(3)
  }, pixel (pool ${ref.factor}) ${
    ref.pixelThreshold.toFixed(4)
  }; test median feature distance ${ref.featMedian.toFixed(3)}`,
);

// Queries: n test images outside the reference sample (a different seed).
const idx = fixedSubset(dataset.test.count, n, 12345);
const native = nativeShape(dataset);
const features = featuresInChunks(
  evaluator,
  (s, e) => imagesAt(dataset, dataset.test, idx.subarray(s, e), native),
  n,
);
const unit = tf.tidy(() =>
  tf.div(tf.add(imagesAt(dataset, dataset.test, idx, native), 1), 2)
) as tf.Tensor4D;
t = performance.now();
await nearestDistances(features, ref.trainFeatures);
console.log(`per interval, feature space, ${n} queries: ${seconds(t)} s`);
const pooled = pixelRows(unit, ref.factor);
t = performance.now();
await nearestDistances(pooled, ref.trainPixels);
console.log(
  `per interval, pixel space pooled ${ref.factor}x${ref.factor} (${
    pooled.shape[1]
  } values), ${n} queries: ${seconds(t)} s`,
);
t = performance.now();
const m = await memorisationMetrics(unit, features, ref);
console.log(`per interval, memorisationMetrics total: ${seconds(t)} s`);
console.log(`real test vs train: ${JSON.stringify(m)}`);
if (Deno.args.includes("--full")) {
  const full = pixelRows(unit, 1);
  const pool = {
    count: dataset.train.count,
    rows: (s: number, e: number) =>
      tf.tidy(() => {
        const idx = Int32Array.from({ length: e - s }, (_, i) => s + i);
        const images = imagesAt(dataset, dataset.train, idx, native);
        return pixelRows(tf.div(tf.add(images, 1), 2) as tf.Tensor4D, 1);
      }),
  };
  t = performance.now();
  await nearestDistances(full, pool, { poolChunk: 8192 });
  console.log(
    `per interval, pixel space full resolution (${
      full.shape[1]
    } values), ${n} queries: ${seconds(t)} s`,
  );
  full.dispose();
}
tf.dispose([features, unit, pooled]);
disposeMemorisation(ref);
evaluator.dispose();
await Deno.remove(cacheDir, { recursive: true });
