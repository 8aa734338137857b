import * as tf from "@tensorflow/tfjs-core";
import { equal, ok } from "../_assert.ts";
import { initBackend, registerGradientFixes } from "../../src/backend/mod.ts";
import { randomArray } from "./_helpers.ts";

await initBackend("cpu");
await initBackend("wasm");

Deno.test("the LeakyRelu gradient equals TF.js's where(x > 0, dy, α·dy) bit for bit on cpu and wasm", async () => {
  registerGradientFixes();
  ok(registerGradientFixes().every((k) => !k.startsWith("LeakyRelu")));
  const xs = randomArray(500, 31);
  xs[0] = 0; // x = 0 takes the α branch in both
  const dys = randomArray(500, 32);
  for (const backend of ["cpu", "wasm"]) {
    await tf.setBackend(backend);
    const before = tf.memory().numTensors;
    const [got, want] = tf.tidy(() => {
      const x = tf.tensor1d(xs), dy = tf.tensor1d(dys);
      const g = tf.grad((v: tf.Tensor) => tf.leakyRelu(v, 0.2))(x, dy);
      const w = tf.where(tf.greater(x, 0), dy, tf.mul(dy, 0.2));
      return [g, w];
    });
    equal(
      Array.from(await got.data()).join(","),
      Array.from(await want.data()).join(","),
      backend,
    );
    tf.dispose([got, want]);
    equal(tf.memory().numTensors, before, `${backend}: no leaks`);
  }
});
