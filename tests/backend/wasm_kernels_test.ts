import * as tf from "@tensorflow/tfjs-core";
import { assert, equal, ok } from "../_assert.ts";
import { initBackend, registerWasmKernels } from "../../src/backend/mod.ts";
import { mulberry32 } from "../../src/util/random.ts";
import { randomArray, relError } from "./_helpers.ts";

await initBackend("cpu");
await initBackend("wasm");

type Pad = "same" | "valid" | number | [
  [number, number],
  [number, number],
  [number, number],
  [number, number],
];
interface Case {
  n: number;
  h: number;
  w: number;
  cin: number;
  cout: number;
  k: number;
  stride: number;
  pad: Pad;
}

/** Deterministic case list covering strides 1/2, pads, kernels 3/4/5, channel counts, batch > 1. */
function cases(): Case[] {
  const rnd = mulberry32(7);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  const out: Case[] = [];
  const pads: Pad[] = ["same", "valid", 1, [[0, 0], [2, 1], [0, 2], [0, 0]]];
  const channels: [number, number][] = [[1, 4], [3, 8], [5, 2], [8, 6]];
  for (const stride of [1, 2]) {
    for (const k of [3, 4, 5]) {
      for (const pad of pads) {
        const [cin, cout] = pick(channels);
        out.push({
          n: pick([2, 3]),
          h: k + Math.floor(rnd() * 6),
          w: k + Math.floor(rnd() * 6),
          cin,
          cout,
          k,
          stride,
          pad,
        });
      }
    }
  }
  return out;
}

function outSize(c: Case): [number, number] {
  const info = tf.backend_util.computeConv2DInfo(
    [c.n, c.h, c.w, c.cin],
    [c.k, c.k, c.cin, c.cout],
    c.stride,
    1,
    c.pad,
  );
  return [info.outHeight, info.outWidth];
}

async function run(backend: string, f: () => tf.Tensor): Promise<Float32Array> {
  await tf.setBackend(backend);
  const t = f();
  const d = await t.data() as Float32Array;
  t.dispose();
  return d;
}

function describe(c: Case): string {
  return `x=[${c.n},${c.h},${c.w},${c.cin}] k=${c.k} cout=${c.cout} s=${c.stride} pad=${
    JSON.stringify(c.pad)
  }`;
}

Deno.test("wasm has the training kernels TF.js 4.22 lacks", () => {
  registerWasmKernels(); // idempotent
  ok(tf.getKernel("Conv2DBackpropFilter", "wasm") !== undefined);
  ok(tf.getKernel("UnsortedSegmentSum", "wasm") !== undefined);
  ok(tf.getKernel("Conv2DBackpropInput", "wasm") !== undefined);
  equal(registerWasmKernels().length, 0, "a second call registers nothing");
});

Deno.test("Conv2DBackpropFilter on wasm matches the cpu kernel (≤ 1e-4 relative)", async () => {
  for (const c of cases()) {
    const [oh, ow] = outSize(c);
    const xs = randomArray(c.n * c.h * c.w * c.cin, 1);
    const dys = randomArray(c.n * oh * ow * c.cout, 2);
    const attrs = {
      strides: c.stride,
      pad: c.pad,
      dataFormat: "NHWC",
      filterShape: [c.k, c.k, c.cin, c.cout],
    };
    const f = () =>
      tf.tidy(() =>
        tf.engine().runKernel("Conv2DBackpropFilter", {
          x: tf.tensor4d(xs, [c.n, c.h, c.w, c.cin]),
          dy: tf.tensor4d(dys, [c.n, oh, ow, c.cout]),
        }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor
      );
    const ref = await run("cpu", f);
    const got = await run("wasm", f);
    equal(got.length, c.k * c.k * c.cin * c.cout, describe(c));
    const err = relError(got, ref);
    assert(err <= 1e-4, `${describe(c)}: relative error ${err}`);
  }
});

Deno.test("Conv2DBackpropInput (conv-based) on wasm matches the cpu kernel (≤ 1e-4 relative)", async () => {
  for (const c of cases()) {
    const [oh, ow] = outSize(c);
    const dys = randomArray(c.n * oh * ow * c.cout, 3);
    const ws = randomArray(c.k * c.k * c.cin * c.cout, 4);
    const f = () =>
      tf.tidy(() =>
        tf.conv2dTranspose(
          tf.tensor4d(dys, [c.n, oh, ow, c.cout]),
          tf.tensor4d(ws, [c.k, c.k, c.cin, c.cout]),
          [c.n, c.h, c.w, c.cin],
          c.stride,
          c.pad as "same" | "valid" | number,
        )
      );
    const ref = await run("cpu", f);
    const got = await run("wasm", f);
    const err = relError(got, ref);
    assert(err <= 1e-4, `${describe(c)}: relative error ${err}`);
  }
});

Deno.test("NCHW conv gradients on wasm match NHWC ones", async () => {
  await tf.setBackend("wasm");
  const start = tf.memory().numTensors;
  const x = tf.tensor4d(randomArray(2 * 7 * 6 * 3, 5), [2, 7, 6, 3]);
  const dy = tf.tensor4d(randomArray(2 * 4 * 3 * 4, 6), [2, 4, 3, 4]);
  const w = tf.tensor4d(randomArray(3 * 3 * 3 * 4, 7), [3, 3, 3, 4]);
  const nhwc = { strides: 2, pad: "same", dataFormat: "NHWC" };
  const nchw = { strides: 2, pad: "same", dataFormat: "NCHW" };
  const dw1 = tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, {
    ...nhwc,
    filterShape: [3, 3, 3, 4],
  }) as tf.Tensor;
  const dw2 = tf.engine().runKernel("Conv2DBackpropFilter", {
    x: tf.transpose(x, [0, 3, 1, 2]),
    dy: tf.transpose(dy, [0, 3, 1, 2]),
  }, { ...nchw, filterShape: [3, 3, 3, 4] }) as tf.Tensor;
  assert(relError(await dw2.data(), await dw1.data()) <= 1e-6);
  const dx1 = tf.engine().runKernel("Conv2DBackpropInput", { dy, filter: w }, {
    ...nhwc,
    inputShape: [2, 7, 6, 3],
  }) as tf.Tensor;
  const dx2 = tf.engine().runKernel("Conv2DBackpropInput", {
    dy: tf.transpose(dy, [0, 3, 1, 2]),
    filter: w,
  }, {
    ...nchw,
    inputShape: [2, 3, 7, 6],
  }) as tf.Tensor;
  assert(
    relError(await tf.transpose(dx2, [0, 2, 3, 1]).data(), await dx1.data()) <=
      1e-6,
  );
  tf.dispose([x, dy, w, dw1, dw2, dx1, dx2]);
  // The transposes above were not kept; only they may remain.
  ok(tf.memory().numTensors - start <= 4);
});

Deno.test("UnsortedSegmentSum on wasm matches the cpu kernel, dropping out-of-range ids", async () => {
  const vals = randomArray(6 * 5, 8);
  const ids = [2, 0, 2, 1, 4, -1];
  const f = () =>
    tf.tidy(() =>
      tf.unsortedSegmentSum(
        tf.tensor2d(vals, [6, 5]),
        tf.tensor1d(ids, "int32"),
        4,
      )
    );
  const ref = await run("cpu", f);
  const got = await run("wasm", f);
  assert(relError(got, ref) <= 1e-6, `error ${relError(got, ref)}`);
  // Row 3 receives nothing; rows 4 and −1 are dropped.
  for (let j = 0; j < 5; j++) equal(got[15 + j], 0);
});

Deno.test("tf.oneHot with a float dtype is correct on wasm (its kernel writes int32 bits)", async () => {
  const f = () =>
    tf.tidy(() =>
      tf.oneHot(tf.tensor1d([1, 0, 2], "int32"), 3, 0.9, 0.05, "float32")
    );
  const got = await run("wasm", f);
  const want = [0.05, 0.9, 0.05, 0.9, 0.05, 0.05, 0.05, 0.05, 0.9];
  assert(relError(got, want) <= 1e-6, `got ${Array.from(got)}`);
  const plain = await run(
    "wasm",
    () =>
      tf.tidy(() => tf.oneHot(tf.tensor1d([2], "int32"), 3, 1, 0, "float32")),
  );
  equal(Array.from(plain).join(","), "0,0,1");
});

/** A small conv → leakyReLU → batchNorm → conv2dTranspose → tanh stack with an embedding lookup. */
function stackGrads(d: Record<string, Float32Array>): tf.Tensor[] {
  return tf.tidy(() => {
    const x = tf.tensor4d(d.x, [3, 8, 8, 2]);
    const w1 = tf.tensor4d(d.w1, [4, 4, 2, 6]);
    const w2 = tf.tensor4d(d.w2, [4, 4, 2, 6]);
    const emb = tf.tensor2d(d.emb, [5, 6]);
    const labels = tf.tensor1d([1, 4, 1], "int32");
    const loss = (
      x: tf.Tensor4D,
      w1: tf.Tensor4D,
      w2: tf.Tensor4D,
      emb: tf.Tensor2D,
    ) => {
      const h = tf.leakyRelu(tf.conv2d(x, w1, 2, "same"), 0.2); // [3,4,4,6]
      const { mean, variance } = tf.moments(h, [0, 1, 2]);
      // TF.js 4.22 cannot differentiate batchNorm without scale/offset (it saves an
      // undefined `scale`), so pass both, as a BatchNorm layer does.
      const bn = tf.batchNorm(
        h,
        mean,
        variance,
        tf.fill([6], 0.5),
        tf.fill([6], 0.1),
        1e-3,
      );
      const cond = tf.add(bn, tf.reshape(tf.gather(emb, labels), [3, 1, 1, 6]));
      const y = tf.tanh(
        tf.conv2dTranspose(cond as tf.Tensor4D, w2, [3, 8, 8, 2], 2, "same"),
      );
      return tf.sum(tf.square(tf.sub(y, x)));
    };
    return tf.grads((x, w1, w2, emb) =>
      loss(
        x as tf.Tensor4D,
        w1 as tf.Tensor4D,
        w2 as tf.Tensor4D,
        emb as tf.Tensor2D,
      )
    )([x, w1, w2, emb]);
  });
}

Deno.test("tf.grads of a conv2d → conv2dTranspose stack on wasm matches cpu", async () => {
  const d = {
    x: randomArray(3 * 8 * 8 * 2, 11),
    w1: randomArray(4 * 4 * 2 * 6, 12).map((v) => v * 0.3),
    w2: randomArray(4 * 4 * 2 * 6, 13).map((v) => v * 0.3),
    emb: randomArray(5 * 6, 14),
  };
  const names = ["x", "w1", "w2", "emb"];
  const results: Record<string, Float32Array[]> = {};
  for (const backend of ["cpu", "wasm"]) {
    await tf.setBackend(backend);
    const before = tf.memory().numTensors;
    const g = stackGrads(d);
    results[backend] = await Promise.all(
      g.map((t) => t.data() as Promise<Float32Array>),
    );
    tf.dispose(g);
    equal(tf.memory().numTensors, before, `${backend}: tensor count is flat`);
  }
  for (let i = 0; i < names.length; i++) {
    const err = relError(results.wasm[i], results.cpu[i]);
    assert(err <= 1e-4, `d${names[i]}: relative error ${err}`);
    assert(results.cpu[i].some((v) => v !== 0), `d${names[i]} is not all zero`);
  }
});

Deno.test("Conv2DBackpropInput sub-pixel and vector paths match cpu at DCGAN shapes", async () => {
  // [dy shape, filter [k,k,cin,cout], dx shape, stride, pad]
  const shapes: Array<
    [number[], number[], number[], number, "same" | "valid" | number]
  > = [
    [[3, 1, 1, 10], [4, 4, 6, 10], [3, 4, 4, 6], 1, "valid"], // z → 4×4 (matMul path)
    [[3, 4, 4, 8], [4, 4, 5, 8], [3, 8, 8, 5], 2, "same"], // 4×4 → 8×8 (sub-pixel)
    [[2, 8, 8, 6], [4, 4, 1, 6], [2, 16, 16, 1], 2, "same"], // → 1 channel
    [[2, 3, 3, 4], [4, 4, 3, 4], [2, 8, 8, 3], 2, "valid"], // uneven phase pads
    [[2, 4, 4, 4], [4, 4, 3, 4], [2, 8, 8, 3], 2, 1], // D conv1 input gradient
    [[2, 2, 3, 4], [6, 6, 3, 4], [2, 6, 9, 3], 3, "same"], // stride 3
  ];
  for (const [dyShape, wShape, xShape, stride, pad] of shapes) {
    const dys = randomArray(dyShape.reduce((p, d) => p * d, 1), 21);
    const ws = randomArray(wShape.reduce((p, d) => p * d, 1), 22);
    const f = () =>
      tf.tidy(() =>
        tf.engine().runKernel("Conv2DBackpropInput", {
          dy: tf.tensor(dys, dyShape),
          filter: tf.tensor(ws, wShape),
        }, {
          strides: stride,
          pad,
          dataFormat: "NHWC",
          inputShape: xShape,
        } as unknown as tf.NamedAttrMap) as tf.Tensor
      );
    const ref = await run("cpu", f);
    await tf.setBackend("wasm");
    const before = tf.memory().numTensors;
    const got = await run("wasm", f);
    equal(tf.memory().numTensors, before, "no tensor leaks");
    const err = relError(got, ref);
    assert(
      err <= 1e-5,
      `dy=[${dyShape}] w=[${wShape}] s=${stride} pad=${pad}: error ${err}`,
    );
  }
});
