/**
 * Wall-clock time of one N = 10,000 evaluation with the FID Inception-v3 on
 * this machine, through the code path a bench cell uses: one interval's
 * fakes (`sampleFakes`: generate, resize to 299², pool3 and logits), then
 * the real test features (`cachedTestPredictions`, paid once per data set
 * and evaluator, cached after), then FID, IS and KID. The weights are the formula weights
 * (the real file cannot be fetched here; the cost does not depend on the
 * values), the generator an untrained DCGAN on CIFAR-10, one backend, one
 * process.
 *
 * `deno run --allow-read --allow-write=.cache --allow-env --allow-sys --allow-ffi benchmarks/inception_eval_time.ts [n=10000] [backend=wasm]`
 *
 * `fid_floor` is left out: it passes 5 · N train images through the network
 * (five times this cost) and is not part of an interval.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../src/backend/init.ts";
import type { BackendChoice } from "../src/backend/types.ts";
import { loadDataset } from "../src/data/registry.ts";
import { cachedTestPredictions } from "../src/evaluation/feature_cache.ts";
import { sampleFakes } from "../src/evaluation/image_metrics.ts";
import { phaseTimer } from "../src/evaluation/phase_timer.ts";
import {
  featureStats,
  fidFromStats,
  inceptionScore,
  kid,
} from "../src/metrics/mod.ts";
import {
  FORMULA_WEIGHTS,
  loadInceptionEvaluator,
} from "../src/metrics/evaluators/inception/load.ts";
import { getVariant } from "../src/models/registry.ts";
import { BUILTIN_CONFIG } from "../src/spec/defaults.ts";
import type { EvaluationSizes } from "../src/spec/types.ts";

const n = Number(Deno.args[0] ?? 10_000);
const backend = (Deno.args[1] ?? "wasm") as BackendChoice;

/** Prints one timed line with the load average beside it. */
function line(what: string, seconds: number): void {
  console.log(
    `${what}: ${seconds.toFixed(1)} s (${(seconds / 60).toFixed(1)} min), ` +
      `load ${Deno.loadavg()[0].toFixed(1)}, ${new Date().toISOString()}`,
  );
}

await initBackend(backend);
const dataset = await loadDataset("cifar10");
const evaluator = await loadInceptionEvaluator({ path: FORMULA_WEIGHTS });
console.log(
  `Inception eval time: N = ${n}, ${backend}, evaluator ${evaluator.id}, ` +
    `start ${new Date().toISOString()}`,
);

const built = getVariant("dcgan").build({
  shape: { height: 32, width: 32, channels: 3 },
  numClasses: 10,
  seed: 0,
  criticNorm: "batchnorm",
});
const sizes: EvaluationSizes = { ...BUILTIN_CONFIG, nEval: n };
const timings: Record<string, number> = {};
let t0 = performance.now();
const fakes = await sampleFakes({
  dataset,
  evaluator,
  sizes,
  generator: built.generator,
  conditional: false,
}, phaseTimer(timings));
line(
  `fake: ${n} generated images → pool3 + logits (generate ${
    (timings.generate ?? 0).toFixed(1)
  } s, features ${(timings.features ?? 0).toFixed(1)} s)`,
  (performance.now() - t0) / 1000,
);

t0 = performance.now();
// No cache: the real features are computed, as on a first run.
const real = await cachedTestPredictions(dataset, evaluator, undefined, n);
const realStats = await featureStats(real.features);
line(
  `real: ${n} test images → pool3 + statistics`,
  (performance.now() - t0) / 1000,
);

t0 = performance.now();
const fid = fidFromStats(await featureStats(fakes.features), realStats, {
  allowSingular: n <= 2048, // only for a quick trial run of this script
});
const is = await inceptionScore(fakes.probabilities, { splits: 10 });
const k = await kid(fakes.features, real.features, {
  subsets: 100,
  subsetSize: 1000,
});
line(
  `metrics: FID ${fid.toFixed(2)}, IS ${is.mean.toFixed(3)}, KID ${
    k.mean.toExponential(3)
  }`,
  (performance.now() - t0) / 1000,
);
tf.dispose([real.features, fakes.features, fakes.probabilities, fakes.unit]);
evaluator.dispose();
