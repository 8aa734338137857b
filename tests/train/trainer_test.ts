import * as tf from "@tensorflow/tfjs-core";
import { assert } from "../_assert.ts";
import { setupCpu } from "../models/_setup.ts";
import { loadSynthetic } from "../../src/data/synthetic.ts";
import { trainCell } from "../../src/train/trainer.ts";
import type {
  EvaluationContext,
  TrainConfig,
} from "../../src/train/trainer.ts";

await setupCpu();
// 32×32 so that every variant (the DCGAN family is 32×32-only) trains on it.
const data = loadSynthetic({ size: 32, trainCount: 256, testCount: 64 });
const tiny = {
  batchSize: 4,
  widthMultiplier: 1 / 16,
  checkpointEvery: 0,
  seed: 3,
};

async function sample(context: EvaluationContext): Promise<number[]> {
  const z = tf.randomNormal(
    [2, context.generator.zDim],
    0,
    1,
    "float32",
    5,
  ) as tf.Tensor2D;
  const labels = tf.tensor1d([0, 1], "int32");
  // The evaluated generator: the weight average when gEma is set.
  const out = context.sampleGenerator.apply(z, labels, false);
  const values = Array.from(await out.data());
  tf.dispose([z, labels, out]);
  return values;
}

Deno.test("trainer: same seed gives identical losses and samples; another seed does not", async () => {
  const run = async (seed: number) => {
    const rows: number[][] = [];
    await trainCell({
      cellId: `det-${seed}`,
      dataset: data,
      variant: "dcgan",
      loss: "hinge",
      config: { ...tiny, seed, steps: 12, evalEvery: 6 },
      onEvaluate: async (c) => {
        rows.push([
          c.means.dLoss,
          c.means.gLoss,
          c.means.gradNormD,
          ...(await sample(c)),
        ]);
      },
    });
    return rows;
  };
  const a = await run(1);
  const b = await run(1);
  const c = await run(2);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

Deno.test("trainer: a non-finite loss ends the cell as diverged at that step", async () => {
  const evaluated: number[] = [];
  const outcome = await trainCell({
    cellId: "diverge",
    dataset: data,
    variant: "mlp",
    loss: "lsgan",
    config: {
      ...tiny,
      steps: 200,
      evalEvery: 5,
      // An absurd learning rate overflows the weights within a few steps.
      dOptimizer: { learningRate: 1e30 },
      gOptimizer: { learningRate: 1e30 },
    },
    onEvaluate: (c) => {
      evaluated.push(c.step);
      return Promise.resolve();
    },
  });
  assert.equal(outcome.status, "diverged");
  assert.ok(
    outcome.step > 0 && outcome.step < 200,
    `diverged at ${outcome.step}`,
  );
  assert.match(outcome.divergence ?? "", /loss (NaN|-?Infinity) at step \d+/);
  // Evaluations stop before the divergence.
  assert.ok(evaluated.every((s) => s < outcome.step));
});

Deno.test("trainer: a resumed cell ends with the same numbers as an uninterrupted one", async () => {
  const dir = await Deno.makeTempDir();
  const base: TrainConfig = {
    ...tiny,
    steps: 20,
    evalEvery: 5,
    checkpointEvery: 10,
  };
  const record = (into: number[][]) => async (c: EvaluationContext) => {
    into.push([c.step, c.means.dLoss, c.means.gLoss, ...(await sample(c))]);
  };
  for (
    const [variant, loss, gEma] of [
      ["cgan", "ns", 0],
      ["dcgan", "wgan-gp", 0],
      ["mlp", "wgan", 0],
      // The weight average is checkpointed too: resumed samples match.
      ["mlp", "ns", 0.9],
    ] as const
  ) {
    const config: TrainConfig = { ...base, gEma };
    const whole: number[][] = [];
    await trainCell({
      cellId: "r",
      dataset: data,
      variant,
      loss,
      config,
      onEvaluate: record(whole),
    });

    const path = `${dir}/${variant}-${loss}-${gEma}.ckpt`;
    const first: number[][] = [];
    await assert.rejects(
      trainCell({
        cellId: "r",
        dataset: data,
        variant,
        loss,
        config,
        checkpointPath: path,
        onEvaluate: async (c) => {
          if (c.step === 15) throw new Error("killed");
          await record(first)(c);
        },
      }),
      /killed/,
    );
    const resumed: number[][] = [];
    const outcome = await trainCell({
      cellId: "r",
      dataset: data,
      variant,
      loss,
      config,
      checkpointPath: path,
      onEvaluate: record(resumed),
    });
    assert.equal(outcome.resumedFrom, 10, `${variant}×${loss}`);
    assert.deepEqual(resumed.map((r) => r[0]), [15, 20]);
    assert.deepEqual(
      resumed,
      whole.slice(2),
      `${variant}×${loss}: resumed rows`,
    );
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("trainer: bad schedules are refused with the cell named", async () => {
  await assert.rejects(
    trainCell({
      cellId: "bad",
      dataset: data,
      variant: "mlp",
      loss: "ns",
      config: { ...tiny, steps: 10, evalEvery: 4, checkpointEvery: 6 },
    }),
    /cell bad: checkpointEvery \(6\) must be 0 or a multiple of evalEvery \(4\)/,
  );
  await assert.rejects(
    trainCell({
      cellId: "bad",
      dataset: data,
      variant: "mlp",
      loss: "ns",
      config: { ...tiny, steps: 10, evalEvery: 5, gEma: 1 },
    }),
    /cell bad: gEma must be 0 \(off\) or a decay in \(0, 1\), got 1/,
  );
});
