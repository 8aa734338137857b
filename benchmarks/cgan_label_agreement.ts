/**
 * Does a conditional generator draw the digit it is asked for? Trains
 * `cgan`×`ns` on MNIST (wasm) and, at every 500 steps, classifies 1000
 * samples (100 per requested label) with the shipped MNIST evaluator and
 * prints how often the evaluator agrees with the requested label (chance:
 * 10 %).
 *
 * Usage: `deno run -A benchmarks/cgan_label_agreement.ts [steps=1000]`
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../src/backend/init.ts";
import { loadDataset } from "../src/data/registry.ts";
import { loadEvaluator } from "../src/metrics/evaluators/load.ts";
import { trainCell } from "../src/train/trainer.ts";
await initBackend("wasm");
const data = await loadDataset("mnist");
const ev = await loadEvaluator("mnist");
await trainCell({
  cellId: "lab",
  dataset: data,
  variant: "cgan",
  loss: "ns",
  config: {
    steps: Number(Deno.args[0] ?? 1000),
    batchSize: 64,
    evalEvery: 500,
    checkpointEvery: 0,
    seed: 0,
  },
  onEvaluate: async (c) => {
    const n = 1000;
    const labels = tf.tensor1d(
      Array.from({ length: n }, (_, i) => i % 10),
      "int32",
    );
    const z = tf.randomNormal([n, 100], 0, 1, "float32", 9) as tf.Tensor2D;
    const x = c.generator.apply(z, labels, false);
    const p = ev.probabilities(x);
    const pred = await tf.argMax(p, 1).data();
    let ok = 0;
    for (let i = 0; i < n; i++) if (pred[i] === i % 10) ok++;
    console.log(
      `step ${c.step}: evaluator agrees with the requested label for ${
        (100 * ok / n).toFixed(1)
      } % (chance 10 %)`,
    );
    tf.dispose([labels, z, x, p]);
  },
});
