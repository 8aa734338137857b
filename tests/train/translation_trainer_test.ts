/**
 * The translation trainer: no tensor leaks, the same seed gives the same
 * bytes, a killed and resumed cell is bit-exact (weights, Adam slots and
 * β-powers, dropout counters), and L1 alone beats the trivial answer of
 * edges → Fashion-MNIST within 200 steps at a tiny width.
 */
import * as tf from "@tensorflow/tfjs-core";
import { assert } from "../_assert.ts";
import { initBackend } from "../../src/backend/init.ts";
import { loadPairs } from "../../src/data/pairs/registry.ts";
import { readCheckpoint } from "../../src/train/checkpoint.ts";
import {
  trainTranslationCell,
  type TranslationEvaluationContext,
  type TranslationTrainConfig,
} from "../../src/train/translation_trainer.ts";
import type { TranslationObjective } from "../../src/train/translation_step.ts";
import { TranslationEvaluation } from "../../src/evaluation/translation_metrics.ts";
import type { Evaluator } from "../../src/metrics/evaluators/types.ts";

await initBackend("wasm");
const inpaint = await loadPairs("inpaint-mnist");

const TINY: TranslationTrainConfig = {
  steps: 30,
  batchSize: 4,
  evalEvery: 5,
  checkpointEvery: 5,
  seed: 7,
  l1Weight: 100,
  nLayers: 2,
  widthMultiplier: 1 / 16,
};

/** The row and every weight of an evaluation, as bytes. */
async function snapshot(c: TranslationEvaluationContext): Promise<number[]> {
  const out = [c.step, c.means.dLoss ?? -1, c.means.gLoss, c.means.gL1];
  const vars = [
    ...c.generator.variables,
    ...(c.discriminator?.variables ?? []),
  ];
  for (const v of vars) out.push(...await v.data());
  return out;
}

function run(
  objective: TranslationObjective,
  config: TranslationTrainConfig,
  onEvaluate: (c: TranslationEvaluationContext) => Promise<void>,
  checkpointPath?: string,
) {
  return trainTranslationCell({
    cellId: `t-${objective}`,
    pairs: inpaint,
    objective,
    config,
    checkpointPath,
    onEvaluate,
  });
}

Deno.test("translation trainer: tensor count flat across steps, nothing left behind", async () => {
  for (const objective of ["l1", "l1-bce"] as const) {
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    const outcome = await run(
      objective,
      { ...TINY, steps: 40, evalEvery: 10, checkpointEvery: 0 },
      () => Promise.resolve(void counts.push(tf.memory().numTensors)),
    );
    assert.equal(outcome.status, "finished");
    assert.equal(counts.length, 4);
    assert.ok(counts.every((n) => n === counts[0]), `${objective}: ${counts}`);
    assert.equal(tf.memory().numTensors, before, objective);
  }
});

Deno.test("translation trainer: the same seed gives the same losses and weights", async () => {
  const a: number[][] = [];
  const b: number[][] = [];
  const config = { ...TINY, steps: 10, checkpointEvery: 0 };
  await run("l1-lsgan", config, async (c) => void a.push(await snapshot(c)));
  await run("l1-lsgan", config, async (c) => void b.push(await snapshot(c)));
  assert.equal(a.length, 2);
  assert.deepEqual(b, a);
  const c: number[][] = [];
  await run(
    "l1-lsgan",
    { ...config, seed: 8 },
    async (e) => void c.push(await snapshot(e)),
  );
  assert.notDeepEqual(c, a);
});

Deno.test("translation trainer: a killed cell resumes bit-exact (l1-lsgan and l1)", async () => {
  const dir = await Deno.makeTempDir();
  for (const objective of ["l1-lsgan", "l1"] as const) {
    const whole: number[][] = [];
    const wholePath = `${dir}/${objective}-whole.ckpt`;
    // With checkpoints at every interval, so the last files compare too.
    await run(
      objective,
      { ...TINY, steps: 25 },
      async (c) => void whole.push(await snapshot(c)),
      wholePath,
    );
    const path = `${dir}/${objective}.ckpt`;
    const pieces: number[][] = [];
    for (const kill of [10, 20]) {
      await assert.rejects(
        run(objective, TINY, async (c) => {
          if (c.step === kill) throw new Error("killed");
          pieces.push(await snapshot(c));
        }, path),
        /killed/,
      );
    }
    const outcome = await run(
      objective,
      { ...TINY, steps: 25 },
      async (c) => void pieces.push(await snapshot(c)),
      path,
    );
    assert.equal(outcome.resumedFrom, 15);
    // Killed at 10 (resumed from 5), then at 20 (resumed from 15).
    assert.deepEqual(pieces.map((p) => p[0]), [5, 10, 15, 20, 25]);
    assert.deepEqual(pieces, whole, objective);
    const x = (await readCheckpoint(wholePath))!;
    const y = (await readCheckpoint(path))!;
    assert.equal(y.step, 20);
    assert.equal(x.step, 20);
    assert.deepEqual(y.state.gRandom, x.state.gRandom);
    for (let i = 0; i < x.tensors.length; i++) {
      assert.equal(y.tensors[i].name, x.tensors[i].name);
      assert.deepEqual(
        y.tensors[i].tensor.dataSync(),
        x.tensors[i].tensor.dataSync(),
        `${objective}: ${x.tensors[i].name}`,
      );
    }
    if (objective === "l1-lsgan") {
      assert.ok(x.tensors.some((t) => t.name === "optD/accBeta1"));
    }
    tf.dispose([...x.tensors, ...y.tensors].map((t) => t.tensor));
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("translation trainer: L1 alone beats edges2fashion's trivial answer within 200 steps", async () => {
  const pairs = await loadPairs("edges2fashion");
  // 64 test pairs: too few for FID, so the evaluator's network is not used.
  const evaluator = { featureDim: 128 } as Evaluator;
  const evaluation = await TranslationEvaluation.prepare(pairs, evaluator, 64);
  let psnr = 0;
  await trainTranslationCell({
    cellId: "l1-vs-trivial",
    pairs,
    objective: "l1",
    config: {
      ...TINY,
      steps: 200,
      batchSize: 16,
      evalEvery: 200,
      checkpointEvery: 0,
      seed: 0,
      widthMultiplier: 1 / 8,
    },
    onEvaluate: async (c) => {
      const outputs = evaluation.outputs(c.generator, 0);
      const row = await evaluation.score(outputs, null, "l1");
      outputs.dispose();
      psnr = row.psnr as number;
    },
  });
  const trivial = evaluation.trivialRow.psnr_trivial as number;
  evaluation.dispose();
  assert.ok(psnr > trivial + 1, `psnr ${psnr} vs trivial ${trivial}`);
});
