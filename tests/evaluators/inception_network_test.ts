/**
 * The FID Inception-v3 in TF.js against PyTorch: with the formula weights
 * (bit-identical in both, checked by md5) the network must reproduce the pool3
 * features and logits that `tests/fixtures/inception/make_inception_fixtures.py`
 * computed with torch, within 1e-4 relative, in both input conventions; the
 * two resizes must match torch's `F.interpolate` and the TF1 formula; the
 * state-dict keys must be torch's. Runs on wasm (four 299×299 images per
 * convention keep it near half a minute).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../../src/backend/init.ts";
import { md5Hex } from "../../src/data/checksum.ts";
import { deepEqual, equal, match, notEqual, ok, throws } from "../_assert.ts";
import { relError } from "../backend/_helpers.ts";
import { fidInceptionParameterShapes } from "../../src/metrics/evaluators/inception/architecture.ts";
import { formulaStateDict } from "../../src/metrics/evaluators/inception/formula_weights.ts";
import { FidInceptionV3 } from "../../src/metrics/evaluators/inception/network.ts";
import {
  createInceptionEvaluator,
  inceptionChecksum,
} from "../../src/metrics/evaluators/inception/evaluator.ts";
import {
  type InceptionConvention,
  prepareInceptionInput,
  quantizeToUint8,
  resizeBilinearHalfPixel,
  resizeBilinearTf1,
} from "../../src/metrics/evaluators/inception/resize.ts";
import type { StateDict } from "../../src/metrics/evaluators/inception/state_dict.ts";

await initBackend("wasm");

const DIR = new URL("../fixtures/inception/", import.meta.url);

interface OutputLayout {
  convention: InceptionConvention;
  output: "pool3" | "logits" | "logitsUnbiased";
  shape: [number, number];
  offset: number;
}
interface ResizeCase {
  inShape: [number, number, number, number];
  outShape: [number, number, number, number];
  input: number[];
  rows?: number;
  pytorch: number[];
  tf1: number[];
}
interface Fixture {
  parameters: [string, number[]][];
  formulaWeightsMd5: string;
  outputs: OutputLayout[];
  resize: ResizeCase[];
}
interface ImageGroup {
  shape: [number, number, number];
  images: number[][];
}

const fixture: Fixture = JSON.parse(
  await Deno.readTextFile(new URL("inception_fixture.json", DIR)),
);
const images: Record<"mnist" | "cifar10", ImageGroup> = JSON.parse(
  await Deno.readTextFile(new URL("images.json", DIR)),
);
const outputsBin = new Float32Array(
  (await Deno.readFile(new URL("inception_outputs.bin", DIR))).buffer,
);

/** The reference rows `[from, to)` of one output, flat. */
function reference(
  convention: InceptionConvention,
  output: OutputLayout["output"],
  from: number,
  to: number,
): Float32Array {
  const l = fixture.outputs.find((o) =>
    o.convention === convention && o.output === output
  )!;
  const w = l.shape[1];
  return outputsBin.subarray(l.offset + from * w, l.offset + to * w);
}

/** A fixture image group as NHWC in [−1, 1] (ganbench's convention). */
function groupTensor(key: "mnist" | "cifar10"): tf.Tensor4D {
  const g = images[key];
  const u8 = tf.tensor4d(g.images.flat(), [g.images.length, ...g.shape]);
  const x = tf.sub(tf.div(u8, 127.5), 1) as tf.Tensor4D;
  u8.dispose();
  return x;
}

/** Normwise relative error of each row of two `[n, w]` arrays. */
function rowErrors(a: Float32Array, b: Float32Array, w: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < b.length / w; r++) {
    out.push(
      relError(a.subarray(r * w, (r + 1) * w), b.subarray(r * w, (r + 1) * w)),
    );
  }
  return out;
}

let weights: StateDict | undefined;
let network: FidInceptionV3 | undefined;
function formulaNetwork(): FidInceptionV3 {
  weights ??= formulaStateDict();
  network ??= FidInceptionV3.fromStateDict(weights, "formula weights");
  return network;
}

Deno.test("FID Inception state-dict keys and shapes are torch's (472 tensors, PyTorch order)", () => {
  deepEqual(fidInceptionParameterShapes(), fixture.parameters);
});

Deno.test("formula weights are bit-identical to the Python script's (md5 of all float32 values)", () => {
  weights ??= formulaStateDict();
  const hash = md5Hex(
    concatBytes(fixture.parameters.map(([name]) => weights!.get(name)!)),
  );
  equal(hash, fixture.formulaWeightsMd5);
});

function concatBytes(ts: { data: Float32Array }[]): Uint8Array {
  const out = new Uint8Array(ts.reduce((a, t) => a + t.data.byteLength, 0));
  let o = 0;
  for (const t of ts) {
    out.set(
      new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength),
      o,
    );
    o += t.data.byteLength;
  }
  return out;
}

for (const convention of ["pytorch", "tf1"] as const) {
  Deno.test(`network on formula weights matches PyTorch within 1e-4 relative (${convention} convention, 2 MNIST + 2 CIFAR-10)`, async () => {
    const net = formulaNetwork();
    const other = convention === "pytorch" ? "tf1" : "pytorch";
    let row = 0;
    for (const key of ["mnist", "cifar10"] as const) {
      const x = groupTensor(key);
      const input = prepareInceptionInput(x, convention);
      const out = net.forward(input);
      const n = x.shape[0];
      for (const [name, t] of Object.entries(out)) {
        const output = name as OutputLayout["output"];
        const got = await t.data() as Float32Array;
        const errs = rowErrors(
          got,
          reference(convention, output, row, row + n),
          t.shape[1],
        );
        for (const e of errs) {
          ok(e <= 1e-4, `${key} ${output}: relative error ${e} > 1e-4`);
        }
        // The test can fail: the other convention's reference is far off.
        const far = rowErrors(
          got,
          reference(other, output, row, row + n),
          t.shape[1],
        );
        ok(
          Math.min(...far) > 1e-4,
          `${key} ${output}: conventions indistinguishable (${far})`,
        );
      }
      tf.dispose([x, input, out.pool3, out.logits, out.logitsUnbiased]);
      row += n;
    }
  });
}

Deno.test("evaluator: pool3 features and softmax of the unbiased logits, in batches, no leaked tensors", async () => {
  const net = formulaNetwork();
  const ev = createInceptionEvaluator(net, {
    convention: "tf1",
    weightsMd5: fixture.formulaWeightsMd5,
    batchSize: 1,
  });
  equal(ev.id, "inception-fid-2015-12-05/tf1");
  equal(ev.featureDim, 2048);
  equal(ev.numClasses, 1008);
  deepEqual(ev.inputShape, [299, 299, 3]);
  const x = groupTensor("cifar10");
  const before = tf.memory().numTensors;
  const { features, probabilities } = ev.predict(x);
  equal(tf.memory().numTensors, before + 2);
  deepEqual(features.shape, [2, 2048]);
  for (
    const e of rowErrors(
      await features.data() as Float32Array,
      reference("tf1", "pool3", 2, 4),
      2048,
    )
  ) {
    ok(e <= 1e-4, `features: relative error ${e}`);
  }
  const expected = tf.tidy(() =>
    tf.softmax(tf.tensor2d(reference("tf1", "logitsUnbiased", 2, 4), [2, 1008]))
  );
  const withBias = tf.tidy(() =>
    tf.softmax(tf.tensor2d(reference("tf1", "logits", 2, 4), [2, 1008]))
  );
  const probs = await probabilities.data() as Float32Array;
  for (
    const e of rowErrors(probs, await expected.data() as Float32Array, 1008)
  ) {
    ok(e <= 1e-4, `probabilities: relative error ${e}`);
  }
  // softmax(logits) differs: the bias matters, and IS uses it without.
  ok(relError(probs, await withBias.data() as Float32Array) > 1e-2);
  tf.dispose([x, features, probabilities, expected, withBias]);
  ev.dispose();
  // The evaluator did not own the network: it still runs.
  tf.tidy(() => net.pool3(tf.zeros([1, 299, 299, 3])));
});

Deno.test("evaluator id and checksum name the weights and the convention", () => {
  const net = formulaNetwork();
  const make = (convention: InceptionConvention, weightsMd5: string) =>
    createInceptionEvaluator(net, { convention, weightsMd5 });
  const a = make("pytorch", "aa"),
    b = make("tf1", "aa"),
    c = make("pytorch", "bb");
  equal(a.id, "inception-fid-2015-12-05/pytorch");
  equal(a.checksum, md5Hex(new TextEncoder().encode("aa|pytorch")));
  equal(a.checksum, inceptionChecksum("aa", "pytorch"));
  notEqual(a.checksum, b.checksum);
  notEqual(a.checksum, c.checksum);
  equal(a.batchSize, 16);
  throws(
    () => make("tf2" as InceptionConvention, "aa"),
    /unknown convention "tf2" \(expected pytorch or tf1\)/,
  );
  for (const e of [a, b, c]) e.dispose();
});

Deno.test("missing or mis-shaped weight: one-line error naming the key and shapes", () => {
  weights ??= formulaStateDict();
  const missing = new Map(weights);
  missing.delete("Mixed_6c.branch7x7dbl_3.bn.running_var");
  throws(
    () => FidInceptionV3.fromStateDict(missing, "pt_inception.pth"),
    (e: Error) => {
      equal(
        e.message,
        'pt_inception.pth: missing key "Mixed_6c.branch7x7dbl_3.bn.running_var" (expected shape [160])',
      );
      return true;
    },
  );
  const wrong = new Map(weights);
  wrong.set("fc.weight", {
    shape: [1000, 2048],
    data: new Float32Array(1000 * 2048),
  });
  throws(
    () => FidInceptionV3.fromStateDict(wrong, "x.pth"),
    (e: Error) => {
      equal(
        e.message,
        'x.pth: key "fc.weight" has shape [1000, 2048] (2048000 values), expected [1008, 2048]',
      );
      return true;
    },
  );
  const swapped = new Map(weights);
  swapped.set("Conv2d_1a_3x3.conv.weight", {
    shape: [32, 3, 3, 3],
    data: new Float32Array(10),
  });
  throws(
    () => FidInceptionV3.fromStateDict(swapped),
    /Conv2d_1a_3x3\.conv\.weight.*\(10 values\)/,
  );
});

Deno.test("resizes match torch's F.interpolate (half-pixel) and the TF1 formula on small inputs", async () => {
  for (const c of fixture.resize) {
    const x = tf.tensor4d(c.input, c.inShape);
    const size: [number, number] = [c.outShape[1], c.outShape[2]];
    for (
      const [kind, resize] of [["pytorch", resizeBilinearHalfPixel], [
        "tf1",
        resizeBilinearTf1,
      ]] as const
    ) {
      let y = resize(x, size);
      if (c.rows !== undefined) {
        const cut = tf.slice(y, [0, 0, 0, 0], [-1, c.rows, -1, -1]);
        y.dispose();
        y = cut;
      }
      const got = await y.data();
      const want = c[kind];
      equal(got.length, want.length);
      let worst = 0;
      for (let i = 0; i < want.length; i++) {
        worst = Math.max(worst, Math.abs(got[i] - want[i]));
      }
      // torch places the samples in float32 (ulp 2e-6 at 28 px), TF.js in
      // float64: values in [−1, 1] agree to a few 1e-6, not bit for bit.
      ok(
        worst <= 1e-5,
        `${kind} ${c.inShape} → ${c.outShape}: max error ${worst}`,
      );
      y.dispose();
    }
    // The two conventions sample different points.
    ok(c.pytorch.some((v, i) => Math.abs(v - c.tf1[i]) > 1e-3));
    x.dispose();
  }
});

Deno.test("input conventions: uint8 quantisation, ranges, grey tiled to RGB", async () => {
  deepEqual(
    Array.from(
      await quantizeToUint8(tf.tensor1d([-1, -0.999, 0, 0.5, 1, 1.2])).data(),
    ),
    [0, 0, 128, 191, 255, 255],
  );
  // Bytes stored as u8 / 127.5 − 1 come back exactly.
  const bytes = Array.from({ length: 256 }, (_, i) => i);
  const back = await quantizeToUint8(
    tf.sub(tf.div(tf.tensor1d(bytes), 127.5), 1),
  ).data();
  deepEqual(Array.from(back), bytes);
  const grey = groupTensor("mnist");
  for (const convention of ["pytorch", "tf1"] as const) {
    const a = prepareInceptionInput(grey, convention);
    const b = prepareInceptionInput(tf.tile(grey, [1, 1, 1, 3]), convention);
    deepEqual(a.shape, [2, 299, 299, 3]);
    equal(relError(await a.data(), await b.data()), 0);
    const [r, g, bl] = tf.split(a, 3, 3);
    equal(relError(await r.data(), await g.data()), 0);
    equal(relError(await r.data(), await bl.data()), 0);
    const [lo, hi] = [(await tf.min(a).data())[0], (await tf.max(a).data())[0]];
    ok(lo >= -1 && hi <= 1 && hi > 0.9, `${convention}: range [${lo}, ${hi}]`);
    tf.dispose([a, b, r, g, bl]);
  }
  grey.dispose();
  throws(
    () => prepareInceptionInput(tf.zeros([1, 8, 8, 2]) as tf.Tensor4D, "tf1"),
    /images must be NHWC with 1 or 3 channels, got shape \[1,8,8,2\]/,
  );
  match(
    (() => {
      try {
        formulaNetwork().pool3(tf.zeros([1, 32, 32, 3]));
      } catch (e) {
        return (e as Error).message;
      }
      return "";
    })(),
    /input must be \[N, 299, 299, 3\], got \[1,32,32,3\]/,
  );
});
