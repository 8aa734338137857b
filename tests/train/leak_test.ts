/**
 * No tensor leaks: for every variant × loss, the tensor count after step 200
 * equals the count after step 10, and a finished cell leaves nothing behind
 * (so many cells in one process do not grow). On wasm, the default backend
 * here; n_critic is 1 to keep the sweep short (the D step's code path, and so
 * any leak in it, is the same for every n_critic).
 */
import * as tf from "@tensorflow/tfjs-core";
import { assert } from "../_assert.ts";
import { initBackend } from "../../src/backend/init.ts";
import { loadSynthetic } from "../../src/data/synthetic.ts";
import { trainCell } from "../../src/train/trainer.ts";
import { VARIANT_IDS } from "../../src/models/registry.ts";
import { LOSS_IDS } from "../../src/losses/registry.ts";

await initBackend("wasm");
// 32×32 so that every variant (the DCGAN family is 32×32-only) trains on it.
const data = loadSynthetic({ size: 32, trainCount: 64, testCount: 16 });

for (const variant of VARIANT_IDS) {
  Deno.test(`leaks: ${variant} × every loss, tensor count flat from step 10 to 200`, async () => {
    for (const loss of LOSS_IDS) {
      const counts = new Map<number, number>();
      const before = tf.memory().numTensors;
      const outcome = await trainCell({
        cellId: `leak-${variant}-${loss}`,
        dataset: data,
        variant,
        loss,
        config: {
          steps: 200,
          evalEvery: 10,
          batchSize: 2,
          checkpointEvery: 0,
          seed: 3,
          widthMultiplier: 1 / 16,
          nCritic: 1,
        },
        onEvaluate: (c) => {
          counts.set(c.step, tf.memory().numTensors);
          return Promise.resolve();
        },
      });
      assert.equal(outcome.status, "finished", `${variant}×${loss}`);
      assert.equal(
        counts.get(200),
        counts.get(10),
        `${variant}×${loss}: tensors at step 10 vs 200`,
      );
      assert.equal(
        tf.memory().numTensors,
        before,
        `${variant}×${loss}: tensors left after the cell`,
      );
    }
  });
}
