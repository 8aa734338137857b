import * as tf from "@tensorflow/tfjs-core";
import { assert, ok } from "../_assert.ts";
import { initBackend } from "../../src/backend/mod.ts";
import { registerWasmTransposedMatMul } from "../../src/backend/wasm_matmul.ts";
import { randomArray, relError } from "./_helpers.ts";

await initBackend("cpu");
await initBackend("wasm");

async function run(backend: string, f: () => tf.Tensor): Promise<Float32Array> {
  await tf.setBackend(backend);
  const t = f();
  const d = await t.data() as Float32Array;
  t.dispose();
  return d;
}

Deno.test("wasm BatchMatMul/_FusedMatMul are wrapped once (idempotent)", () => {
  ok(registerWasmTransposedMatMul().length === 0);
});

// Shapes where each of the two strategies (transpose an operand / transpose
// the output) is picked, plus batched and broadcast cases.
const cases: Array<{ a: number[]; b: number[] }> = [
  { a: [64, 784], b: [64, 512] },
  { a: [5, 3], b: [5, 7] },
  { a: [3, 40], b: [3, 2] },
  { a: [2, 6, 4], b: [2, 6, 5] },
  { a: [1, 6, 4], b: [3, 6, 5] },
];

Deno.test("transposed matMul on wasm matches cpu for every transpose combination", async () => {
  for (const c of cases) {
    for (
      const [tA, tB] of [[false, false], [true, false], [false, true], [
        true,
        true,
      ]]
    ) {
      // c.a / c.b are written for tA = true, tB = false: [.., k, m] and [.., k, n].
      const r = c.a.length;
      const k = c.a[r - 2], m = c.a[r - 1], n = c.b[r - 1];
      const aShape = [...c.a.slice(0, -2), ...(tA ? [k, m] : [m, k])];
      const bShape = [...c.b.slice(0, -2), ...(tB ? [n, k] : [k, n])];
      const av = randomArray(aShape.reduce((p, d) => p * d, 1), 1);
      const bv = randomArray(bShape.reduce((p, d) => p * d, 1), 2);
      const f = () =>
        tf.tidy(() =>
          tf.matMul(tf.tensor(av, aShape), tf.tensor(bv, bShape), tA, tB)
        );
      const ref = await run("cpu", f);
      await tf.setBackend("wasm");
      const before = tf.memory().numTensors;
      const got = await run("wasm", f);
      ok(tf.memory().numTensors === before, "no tensor leaks");
      const err = relError(got, ref);
      assert(
        err <= 1e-5,
        `${aShape} x ${bShape} tA=${tA} tB=${tB}: error ${err}`,
      );
    }
  }
});

Deno.test("transposed fused matMul (bias + activation) on wasm matches cpu", async () => {
  const av = randomArray(7 * 5, 3), bv = randomArray(4 * 7, 4);
  const bias = randomArray(4, 5);
  const f = () =>
    tf.tidy(() =>
      tf.fused.matMul({
        a: tf.tensor2d(av, [7, 5]),
        b: tf.tensor2d(bv, [4, 7]),
        transposeA: true,
        transposeB: true,
        bias: tf.tensor1d(bias),
        activation: "relu",
      })
    );
  const ref = await run("cpu", f);
  const got = await run("wasm", f);
  assert(relError(got, ref) <= 1e-5, `error ${relError(got, ref)}`);
});

Deno.test("dense-layer gradients on wasm match cpu and leave inputs intact", async () => {
  const xv = randomArray(16 * 30, 6), wv = randomArray(30 * 20, 7);
  const grads = async (backend: string) => {
    await tf.setBackend(backend);
    const x = tf.tensor2d(xv, [16, 30]);
    const w = tf.tensor2d(wv, [30, 20]);
    const g = tf.grads((x: tf.Tensor, w: tf.Tensor) =>
      tf.sum(tf.square(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D)))
    )([x, w]);
    const out = await Promise.all(
      g.map((t) => t.data() as Promise<Float32Array>),
    );
    // The inputs must still be readable (no reference was dropped).
    assert(relError(await w.data(), wv) === 0);
    tf.dispose([x, w, ...g]);
    return out;
  };
  const ref = await grads("cpu");
  const got = await grads("wasm");
  for (let i = 0; i < 2; i++) {
    assert(
      relError(got[i], ref[i]) <= 1e-5,
      `grad ${i}: ${relError(got[i], ref[i])}`,
    );
  }
});
