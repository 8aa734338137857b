/**
 * The spread of `fid_floor`: FID of N real MNIST train images against the
 * test statistics for each of the 5 training subsets the evaluation uses
 * (src/evaluation/fid_floor.ts), printed with their mean and sample std.
 *
 * Usage: `deno run --allow-read=.,/usr/share/datasets --allow-env --allow-sys benchmarks/fid_floor_spread.ts [N=2000] [dataset=mnist]`
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../src/backend/init.ts";
import { loadDataset } from "../src/data/registry.ts";
import { fidFloor } from "../src/evaluation/fid_floor.ts";
import { featuresInChunks, nativeShape } from "../src/evaluation/sampling.ts";
import { evaluationSizes } from "../src/matrix/cell_settings.ts";
import { featureStats } from "../src/metrics/mod.ts";
import { loadEvaluator } from "../src/metrics/evaluators/load.ts";
import { BUILTIN_CONFIG } from "../src/spec/defaults.ts";
import { imagesAt } from "../src/train/real_batch.ts";

const n = Number(Deno.args[0] ?? 2000);
const id = Deno.args[1] ?? "mnist";
await initBackend("wasm");
const dataset = await loadDataset(id);
const evaluator = await loadEvaluator(id);
const sizes = evaluationSizes({ config: { ...BUILTIN_CONFIG, nEval: n } });
const all = Int32Array.from({ length: dataset.test.count }, (_, i) => i);
const test = featuresInChunks(
  evaluator,
  (s, e) =>
    imagesAt(dataset, dataset.test, all.subarray(s, e), nativeShape(dataset)),
  all.length,
);
const realStats = await featureStats(test);
test.dispose();
const started = performance.now();
const floor = await fidFloor(dataset, evaluator, sizes, realStats);
const seconds = (performance.now() - started) / 1000;
console.log(
  `${id}, N = ${n}, backend ${tf.getBackend()}: fid_floor per subset ${
    floor.values.map((v) => v.toFixed(3)).join(", ")
  }; mean ${floor.mean.toFixed(3)} ± ${floor.std.toFixed(3)} (sample std); ${
    seconds.toFixed(1)
  } s`,
);
evaluator.dispose();
