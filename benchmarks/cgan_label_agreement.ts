/**
 * Does a conditional generator draw the digit it is asked for? Trains
 * `cgan`×`ns` on MNIST (wasm) and, at every 1000 steps, classifies 1000
 * samples (100 per requested label) with the shipped MNIST evaluator and
 * prints how often the evaluator agrees with the requested label (chance:
 * 10 %). With an output directory, it also writes `<dir>/<step>.png`: 10×10
 * samples, row r asking for digit r, so the rows can be checked by eye.
 *
 * The agreement is the `label_acc` kernel ({@linkcode labelAccuracy}), which
 * `bench` writes as a column at every evaluation of a conditional cell (on
 * the fixed evaluation noise and `nEval` samples); this script adds the
 * grids and its own noise (seed 9).
 *
 * Usage: `deno run -A benchmarks/cgan_label_agreement.ts [steps=1000] [dir]`
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../src/backend/init.ts";
import { loadDataset } from "../src/data/registry.ts";
import { loadEvaluator } from "../src/metrics/evaluators/load.ts";
import { labelAccuracy, predictedClasses } from "../src/metrics/mod.ts";
import { trainCell } from "../src/train/trainer.ts";
import { makeGrid } from "../src/results/grid.ts";
import { writePng } from "../src/results/png.ts";
await initBackend("wasm");
const data = await loadDataset("mnist");
const ev = await loadEvaluator("mnist");
const gridDir = Deno.args[1];
if (gridDir) await Deno.mkdir(gridDir, { recursive: true });
await trainCell({
  cellId: "lab",
  dataset: data,
  variant: "cgan",
  loss: "ns",
  config: {
    steps: Number(Deno.args[0] ?? 1000),
    batchSize: 64,
    evalEvery: 1000,
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
    const agree = labelAccuracy(
      await predictedClasses(p),
      Array.from({ length: n }, (_, i) => i % 10),
    );
    console.log(
      `step ${c.step}: evaluator agrees with the requested label for ${
        (100 * agree).toFixed(1)
      } % (chance 10 %)`,
    );
    if (gridDir) {
      // Sample i asks for label i % 10; grid cell (row r, column j) shows
      // sample r + 10 j, so row r holds ten samples of label r.
      const order = Array.from(
        { length: 100 },
        (_, k) => Math.floor(k / 10) + 10 * (k % 10),
      );
      const index = tf.tensor1d(order, "int32");
      const rows = tf.gather(x, index);
      index.dispose();
      const [, h, w, ch] = x.shape;
      await writePng(
        `${gridDir}/${c.step}.png`,
        makeGrid(await rows.data() as Float32Array, 100, h, w, ch, {
          cols: 10,
        }),
      );
      rows.dispose();
    }
    tf.dispose([labels, z, x, p]);
  },
});
