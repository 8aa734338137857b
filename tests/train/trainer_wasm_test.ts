import * as tf from "@tensorflow/tfjs-core";
import { assert } from "../_assert.ts";
import { initBackend } from "../../src/backend/init.ts";
import { loadSynthetic } from "../../src/data/synthetic.ts";
import { trainCell } from "../../src/train/trainer.ts";

await initBackend("wasm");
const data = loadSynthetic({ size: 32, trainCount: 128, testCount: 32 });

async function run(
  variant: string,
  loss: string,
  seed: number,
): Promise<number[][]> {
  const rows: number[][] = [];
  await trainCell({
    cellId: `wasm-${variant}-${loss}-${seed}`,
    dataset: data,
    variant,
    loss,
    config: {
      steps: 8,
      evalEvery: 4,
      batchSize: 4,
      checkpointEvery: 0,
      seed,
      widthMultiplier: 1 / 16,
      nCritic: loss.startsWith("wgan") ? 2 : undefined,
    },
    onEvaluate: async (c) => {
      const z = tf.randomNormal(
        [2, c.generator.zDim],
        0,
        1,
        "float32",
        5,
      ) as tf.Tensor2D;
      const labels = tf.tensor1d([0, 1], "int32");
      const out = c.generator.apply(z, labels, false);
      rows.push([
        c.means.dLoss,
        c.means.gLoss,
        c.means.gradNormG,
        ...(await out.data()),
      ]);
      tf.dispose([z, labels, out]);
    },
  });
  return rows;
}

Deno.test("trainer on wasm: the same seed gives identical losses and samples", async () => {
  assert.equal(tf.getBackend(), "wasm");
  for (
    const [variant, loss] of [["cdcgan", "wgan-gp"], ["cgan", "ns"], [
      "patchgan",
      "lsgan",
    ]]
  ) {
    const a = await run(variant, loss, 1);
    const b = await run(variant, loss, 1);
    assert.deepEqual(a, b, `${variant}×${loss}`);
    assert.notDeepEqual(
      a,
      await run(variant, loss, 2),
      `${variant}×${loss}: seed matters`,
    );
  }
});
