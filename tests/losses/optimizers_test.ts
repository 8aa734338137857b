import * as tf from "@tensorflow/tfjs-core";
import { assert } from "../_assert.ts";
import { setupCpu } from "../models/_setup.ts";
import {
  ADAM_POWERS,
  createOptimizer,
  type OptimizerSpec,
  readOptimizerState,
  writeOptimizerState,
} from "../../src/losses/optimizers.ts";

await setupCpu();

/** Trains a small least-squares problem; the same every call. */
function stepper(name: string) {
  // Many weights at a network's scale: a last-bit difference in an update
  // flips the rounding of a few of them.
  const w = tf.variable(
    tf.randomNormal([4096], 0, 0.05, "float32", 1),
    true,
    name,
  );
  const target = tf.randomNormal([4096], 0, 0.05, "float32", 2);
  return {
    w,
    run(optimizer: tf.Optimizer, steps: number, from: number) {
      for (let t = from; t < from + steps; t++) {
        // A gradient that changes with t, as in training.
        optimizer.minimize(
          () => tf.sum(tf.mul(tf.square(tf.sub(w, target)), 1 + (t % 7) / 3)),
          false,
          [w],
        );
      }
    },
    dispose() {
      tf.dispose([w, target]);
    },
  };
}

/** The float32 bits of a tensor. */
function bits(t: tf.Tensor): number[] {
  const f = t.dataSync() as Float32Array;
  return Array.from(new Uint32Array(f.buffer, f.byteOffset, f.length));
}

const SPECS: OptimizerSpec[] = [
  { name: "adam", learningRate: 2e-4, beta1: 0.5, beta2: 0.999 },
  { name: "adam", learningRate: 2e-4, beta1: 0.9, beta2: 0.9 },
  { name: "rmsprop", learningRate: 2e-4 },
];
SPECS.forEach((spec, k) => {
  Deno.test(`optimizers: ${JSON.stringify(spec)} restored mid-run continues bit for bit`, async () => {
    // 200 steps, then 50 more: uninterrupted against saved and restored.
    const whole = stepper(`opt-whole-${k}`);
    const part = stepper(`opt-part-${k}`);
    const a = createOptimizer(spec);
    const b = createOptimizer(spec);
    const c = createOptimizer(spec);
    try {
      whole.run(a, 250, 0);
      part.run(b, 200, 0);
      const saved = await readOptimizerState(b);
      await writeOptimizerState(c, saved);
      assert.deepEqual(
        (await readOptimizerState(c)).map((e) => [e.name, [...e.values]]),
        saved.map((e) => [e.name, [...e.values]]),
      );
      part.run(c, 50, 200);
      assert.deepEqual(bits(part.w), bits(whole.w));
    } finally {
      [a, b, c, whole, part].forEach((x) => x.dispose());
    }
  });
});

Deno.test("optimizers: Adam's running powers are saved; only Adam takes them", async () => {
  const s = stepper("opt-powers");
  const adam = createOptimizer({ name: "adam", learningRate: 1e-2 });
  assert.deepEqual(await readOptimizerState(adam), [
    { name: "iter", shape: [], values: new Float32Array([0]) },
  ]);
  s.run(adam, 3, 0);
  const state = await readOptimizerState(adam);
  assert.deepEqual(
    state.slice(-2).map((e) => e.name),
    [...ADAM_POWERS],
  );
  // β₁ = 0.9 after 3 steps: 0.9⁴ accumulated in float32, step by step.
  const beta = Math.fround(0.9);
  let power = beta;
  for (let t = 0; t < 3; t++) power = Math.fround(power * beta);
  assert.equal(state.at(-2)!.values[0], power);
  const rms = createOptimizer({ name: "rmsprop", learningRate: 2e-4 });
  await assert.rejects(
    writeOptimizerState(rms, state),
    /optimizer state holds Adam's running powers but the optimizer is not Adam/,
  );
  adam.dispose();
  rms.dispose();
  s.dispose();
});
