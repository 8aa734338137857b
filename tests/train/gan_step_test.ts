import * as tf from "@tensorflow/tfjs-core";
import { assertClose, deepEqual, equal, ok, throws } from "../_assert.ts";
import { getLoss, LOSS_IDS, resolvePair } from "../../src/losses/registry.ts";
import { getVariant, VARIANTS } from "../../src/models/registry.ts";
import type { ImageShape, Variant } from "../../src/models/types.ts";
import { createGanStep, type StepResult } from "../../src/train/gan_step.ts";
import {
  createOptimizer,
  readOptimizerState,
  writeOptimizerState,
} from "../../src/losses/optimizers.ts";
import { setupCpu, snapshot } from "../models/_setup.ts";

await setupCpu();

const SHAPES: ImageShape[] = [
  { height: 28, width: 28, channels: 1 },
  { height: 32, width: 32, channels: 1 },
  { height: 32, width: 32, channels: 3 },
];
const NUM_CLASSES = 10;
const BATCH = 2;
const TINY = 1 / 16;

/** Builds one cell (tiny by default) and its step functions. */
function cell(
  v: Variant,
  lossId: string,
  shape: ImageShape,
  seed: number,
  widthMultiplier = TINY,
) {
  const loss = getLoss(lossId);
  const { criticNorm } = resolvePair(v.id, lossId, { shape });
  const built = v.build({
    shape,
    numClasses: NUM_CLASSES,
    seed,
    criticNorm,
    widthMultiplier,
  });
  const dOptimizer = createOptimizer(loss.optimizer);
  const gOptimizer = createOptimizer(loss.optimizer);
  const step = createGanStep({
    generator: built.generator,
    discriminator: built.discriminator,
    loss,
    dOptimizer,
    gOptimizer,
    batchSize: BATCH,
    numClasses: v.conditional ? NUM_CLASSES : 0,
    seed,
  });
  const real = tf.tidy(() =>
    tf.tanh(
      tf.randomNormal(
        [BATCH, shape.height, shape.width, shape.channels],
        0,
        1,
        "float32",
        seed,
      ),
    )
  ) as tf.Tensor4D;
  const labels = v.conditional ? tf.tensor1d([1, 7], "int32") : null;
  /** One D step then one G step; returns [dLoss, dNorm, gLoss, gNorm]. */
  const run = (i: number): number[] => {
    const d = step.dStep(real, labels, 2 * i);
    const g = step.gStep(2 * i + 1);
    const out = [d.loss, d.gradNorm, g.loss, g.gradNorm].map((t) =>
      t.dataSync()[0]
    );
    tf.dispose(
      [
        d.loss,
        d.gradNorm,
        g.loss,
        g.gradNorm,
      ] as StepResult[keyof StepResult][],
    );
    return out;
  };
  const dispose = () => {
    built.generator.dispose();
    built.discriminator.dispose();
    dOptimizer.dispose();
    gOptimizer.dispose();
    tf.dispose([real, ...(labels ? [labels] : [])]);
  };
  return { ...built, loss, run, dispose, dOptimizer, gOptimizer };
}

Deno.test("gan_step: every variant × loss × supported shape trains (tiny widths)", () => {
  let cells = 0;
  for (const v of VARIANTS) {
    for (const shape of SHAPES.filter((s) => v.supports(s))) {
      for (const lossId of LOSS_IDS) {
        const c = cell(v, lossId, shape, 3);
        for (let i = 0; i < 2; i++) {
          const vals = c.run(i);
          ok(
            vals.every(Number.isFinite),
            `${v.id} ${lossId} ${shape.channels}: ${vals}`,
          );
          ok(
            vals[1] > 0 && vals[3] > 0,
            `${v.id} ${lossId}: non-zero gradients`,
          );
        }
        if (c.loss.clip !== undefined) {
          for (const w of c.discriminator.trainableVariables) {
            const vals = w.dataSync() as Float32Array;
            ok(
              vals.every((x) => Math.abs(x) <= 0.01 + 1e-9),
              `${v.id} wgan clipped`,
            );
          }
        }
        tf.tidy(() => {
          const x = c.generator.apply(
            tf.randomNormal([BATCH, 100], 0, 1, "float32", 1) as tf.Tensor2D,
            v.conditional ? tf.tensor1d([0, 1], "int32") : null,
            false,
          );
          deepEqual(x.shape, [
            BATCH,
            shape.height,
            shape.width,
            shape.channels,
          ]);
          ok((x.dataSync() as Float32Array).every((u) => u >= -1 && u <= 1));
          const s = c.discriminator.apply(
            x,
            v.conditional ? tf.tensor1d([0, 1], "int32") : null,
            false,
          );
          deepEqual(
            s.shape,
            v.id === "patchgan" ? [BATCH, 6, 6, 1] : [BATCH, 1],
          );
        });
        c.dispose();
        cells++;
      }
    }
  }
  equal(cells, (2 * 3 + 3 * 2) * 6);
});

Deno.test("gan_step: full-size models take a D and G step (ns; dcgan also wgan-gp)", () => {
  const shape = SHAPES[1];
  const pairs: [string, string][] = [
    ["mlp", "ns"],
    ["cgan", "ns"],
    ["dcgan", "ns"],
    ["cdcgan", "ns"],
    ["patchgan", "ns"],
    ["dcgan", "wgan-gp"],
  ];
  for (const [id, lossId] of pairs) {
    const c = cell(getVariant(id), lossId, shape, 4, 1);
    const vals = c.run(0);
    ok(vals.every(Number.isFinite), `${id} ${lossId}: ${vals}`);
    c.dispose();
  }
});

Deno.test("gan_step: tensor count flat across steps (step 2 vs step 20) for every variant × loss", () => {
  for (const v of VARIANTS) {
    const shape = SHAPES.find((s) => v.supports(s))!;
    for (const lossId of LOSS_IDS) {
      const c = cell(v, lossId, shape, 8, 1 / 32);
      let at2 = -1;
      for (let i = 1; i <= 20; i++) {
        c.run(i);
        if (i === 2) at2 = tf.memory().numTensors;
      }
      equal(tf.memory().numTensors, at2, `${v.id} × ${lossId}: tensors leak`);
      const before = tf.memory().numTensors;
      const nVars = c.generator.variables.length +
        c.discriminator.variables.length;
      c.dispose();
      ok(
        tf.memory().numTensors <= before - nVars,
        `${v.id} × ${lossId}: dispose frees the variables`,
      );
    }
  }
});

Deno.test("gan_step: same seed → identical losses and weights after N steps", () => {
  for (const v of VARIANTS) {
    const shape = SHAPES.find((s) => v.supports(s))!;
    for (const lossId of LOSS_IDS) {
      const traces: number[][] = [];
      const weights: Map<string, Float32Array>[] = [];
      for (let rep = 0; rep < 2; rep++) {
        const c = cell(v, lossId, shape, 21, 1 / 32);
        const trace: number[] = [];
        for (let i = 0; i < 3; i++) trace.push(...c.run(i));
        traces.push(trace);
        weights.push(
          new Map([...snapshot(c.generator), ...snapshot(c.discriminator)]),
        );
        c.dispose();
      }
      deepEqual(traces[0], traces[1], `${v.id} × ${lossId}`);
      deepEqual(weights[0], weights[1], `${v.id} × ${lossId}`);
    }
  }
});

Deno.test("gan_step: a different step seed gives different noise", () => {
  const c = cell(getVariant("mlp"), "ns", SHAPES[0], 5);
  const a = c.run(0);
  const b = c.run(0);
  const d = c.run(7);
  ok(a[0] !== d[0] || b[0] !== d[0]);
  c.dispose();
});

Deno.test("gan_step: conditional dStep without labels and bad batch size are refused", () => {
  const v = getVariant("cgan");
  const c = cell(v, "ns", SHAPES[0], 1);
  const step = createGanStep({
    generator: c.generator,
    discriminator: c.discriminator,
    loss: c.loss,
    dOptimizer: c.dOptimizer,
    gOptimizer: c.gOptimizer,
    batchSize: 2,
    numClasses: 10,
    seed: 1,
  });
  const real = tf.zeros([2, 28, 28, 1]) as tf.Tensor4D;
  throws(() => step.dStep(real, null, 0), /needs labels/);
  throws(
    () =>
      createGanStep({
        ...{
          generator: c.generator,
          discriminator: c.discriminator,
          loss: c.loss,
          dOptimizer: c.dOptimizer,
          gOptimizer: c.gOptimizer,
        },
        batchSize: 0,
        numClasses: 10,
        seed: 1,
      }),
    /batchSize/,
  );
  real.dispose();
  c.dispose();
});

Deno.test("optimizers: specs build, bad specs refused, state round-trips", async () => {
  throws(
    () => createOptimizer({ name: "sgd" as "adam", learningRate: 1 }),
    /unknown optimizer "sgd"/,
  );
  throws(
    () => createOptimizer({ name: "adam", learningRate: 0 }),
    /learningRate/,
  );
  for (const lossId of ["ns", "wgan"]) {
    const c = cell(getVariant("mlp"), lossId, SHAPES[0], 2, 1 / 32);
    c.run(0);
    c.run(1);
    const state = await readOptimizerState(c.dOptimizer);
    ok(state.length > 1);
    equal(state[0].name, "iter");
    equal(state[0].values[0], 2);
    const fresh = createOptimizer(c.loss.optimizer);
    await writeOptimizerState(fresh, state);
    const again = await readOptimizerState(fresh);
    deepEqual(again.map((e) => e.shape), state.map((e) => e.shape));
    again.forEach((e, i) => deepEqual(e.values, state[i].values));
    assertClose(again[0].values[0], 2, 0);
    fresh.dispose();
    c.dispose();
  }
});
