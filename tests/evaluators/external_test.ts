import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import * as tfl from "@tensorflow/tfjs-layers";
import { join } from "node:path";
import {
  assertClose,
  deepEqual,
  equal,
  match,
  ok,
  rejects,
  throws,
} from "../_assert.ts";
import {
  loadEvaluator,
  prepareImages,
} from "../../src/metrics/evaluators/load.ts";
import { evaluatorChecksum } from "../../src/metrics/evaluators/checksum.ts";
import {
  saveLayersModel,
  writeFileAtomic,
} from "../../src/metrics/evaluators/_io.ts";
import { md5Hex } from "../../src/data/checksum.ts";

await tf.setBackend("cpu");
await tf.ready();

/** A small RGB 12×12 layers model with outputs "embedding" (6-d) and "head" (3 logits) + "probs" (softmax). */
function smallModel(): tfl.LayersModel {
  const input = tfl.input({ shape: [12, 12, 3] });
  const conv = tfl.layers.conv2d({
    filters: 4,
    kernelSize: 3,
    strides: 2,
    activation: "relu",
    kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }),
    name: "conv",
  }).apply(input) as tfl.SymbolicTensor;
  const pool = tfl.layers.globalAveragePooling2d({ name: "pool" })
    .apply(conv) as tfl.SymbolicTensor;
  const emb = tfl.layers.dense({
    units: 6,
    activation: "tanh",
    kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }),
    name: "embedding",
  }).apply(pool) as tfl.SymbolicTensor;
  const head = tfl.layers.dense({
    units: 3,
    kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }),
    name: "head",
  }).apply(emb) as tfl.SymbolicTensor;
  const probs = tfl.layers.activation({ activation: "softmax", name: "probs" })
    .apply(head) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: probs });
}

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).arraySync() as number);
}

Deno.test("external layers model: named outputs, bilinear resize, grey → RGB tiling, id and checksum", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ganbench-ext-" });
  try {
    const model = smallModel();
    await saveLayersModel(model, dir);
    const path = join(dir, "model.json");
    const ev = await loadEvaluator({
      path,
      featureOutput: "embedding",
      logitsOutput: "head",
    });
    equal(ev.id, "external:model.json");
    // The checksum covers the weights and the settings in effect.
    equal(
      ev.checksum,
      evaluatorChecksum(md5Hex(Deno.readFileSync(join(dir, "weights.bin"))), {
        featureOutput: "embedding",
        logitsOutput: "head",
        probabilitiesOutput: null,
        inputShape: [12, 12, 3],
        inputRange: [-1, 1],
      }),
    );
    deepEqual(ev.inputShape, [12, 12, 3]);
    equal(ev.featureDim, 6);
    equal(ev.numClasses, 3);

    // 8×8 grey images in [-1, 1]: resized to 12×12 and tiled to 3 channels.
    const grey = tf.randomUniform(
      [5, 8, 8, 1],
      -1,
      1,
      "float32",
      9,
    ) as tf.Tensor4D;
    const { features, probabilities } = ev.predict(grey);
    const [wantF, wantP] = tf.tidy(() => {
      const x = tf.tile(tf.image.resizeBilinear(grey, [12, 12], false, true), [
        1,
        1,
        1,
        3,
      ]);
      const sub = tfl.model({
        inputs: model.inputs,
        outputs: [
          model.getLayer("embedding").output as tfl.SymbolicTensor,
          model.getLayer("probs").output as tfl.SymbolicTensor,
        ],
      });
      return sub.predict(x) as tf.Tensor[];
    });
    deepEqual(features.shape, [5, 6]);
    ok(maxAbsDiff(features, wantF) < 1e-6);
    ok(maxAbsDiff(probabilities, wantP) < 1e-6);

    // probabilitiesOutput is used as is (no second softmax).
    const ev2 = await loadEvaluator({
      path,
      featureOutput: "pool",
      probabilitiesOutput: "probs",
      batchSize: 2,
    });
    equal(ev2.featureDim, 4);
    const p2 = ev2.probabilities(grey);
    ok(maxAbsDiff(p2, wantP) < 1e-6);

    // Explicit input size and range: features of [0, 1]-mapped inputs.
    const ev3 = await loadEvaluator({
      path,
      featureOutput: "embedding",
      inputSize: [12, 12],
      inputRange: [0, 1],
    });
    equal(ev3.numClasses, 0);
    const f3 = ev3.features(grey);
    const want3 = tf.tidy(() => {
      const x = tf.tile(tf.image.resizeBilinear(grey, [12, 12], false, true), [
        1,
        1,
        1,
        3,
      ]);
      const sub = tfl.model({
        inputs: model.inputs,
        outputs: model.getLayer("embedding").output as tfl.SymbolicTensor,
      });
      return sub.predict(tf.div(tf.add(x, 1), 2)) as tf.Tensor;
    });
    ok(maxAbsDiff(f3, want3) < 1e-6);
    throws(
      () => ev3.probabilities(grey),
      /has no logits\/probabilities output/,
    );

    // Unknown layer names and a wrong md5 are one-line errors naming the file.
    await rejects(
      loadEvaluator({ path, featureOutput: "pool_3" }),
      (e: Error) => {
        match(e.message, /model\.json: no layer named "pool_3" \(layers: /);
        return true;
      },
    );
    await rejects(
      loadEvaluator({ path, featureOutput: "embedding", md5: "0".repeat(32) }),
      /weights\.bin: evaluator weights checksum mismatch/,
    );
    await rejects(
      loadEvaluator({ path: join(dir, "missing.json") }),
      /missing\.json: cannot read evaluator file: file not found/,
    );
    tf.dispose([grey, features, probabilities, wantF, wantP, p2, f3, want3]);
    ev.dispose();
    ev2.dispose();
    ev3.dispose();
    model.dispose();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("external evaluator checksum: changes with the weights and every output-changing setting, not with batch size", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ganbench-ext-" });
  try {
    const model = smallModel();
    await saveLayersModel(model, dir);
    model.dispose();
    const path = join(dir, "model.json");
    const base = { path, featureOutput: "embedding", logitsOutput: "head" };
    const checksumOf = async (spec: Parameters<typeof loadEvaluator>[0]) => {
      const ev = await loadEvaluator(spec);
      ev.dispose();
      return ev.checksum;
    };
    const first = await checksumOf(base);
    match(first, /^[0-9a-f]{32}$/);
    const weights = md5Hex(Deno.readFileSync(join(dir, "weights.bin")));
    ok(first !== weights, "not the weights' md5 alone");
    const edited = [
      { ...base, featureOutput: "pool" },
      { ...base, logitsOutput: "probs" },
      { path, featureOutput: "embedding", probabilitiesOutput: "head" },
      { path, featureOutput: "embedding" }, // no class output
      { ...base, inputRange: [0, 1] as [number, number] },
      { ...base, inputRange: [-1, 2] as [number, number] },
    ];
    const all = [first];
    for (const spec of edited) all.push(await checksumOf(spec));
    equal(new Set(all).size, all.length, "every setting its own checksum");
    // Defaults spelled out and the batch size change nothing (input sizes:
    // tests/evaluation/feature_cache_test.ts, whose model takes any size).
    equal(
      await checksumOf({
        ...base,
        inputSize: [12, 12, 3],
        inputRange: [-1, 1],
        batchSize: 3,
        md5: weights,
      }),
      first,
    );
    // Other weights (one byte changed), same settings: another checksum.
    const bytes = Deno.readFileSync(join(dir, "weights.bin"));
    bytes[0] ^= 1;
    Deno.writeFileSync(join(dir, "weights.bin"), bytes);
    ok((await checksumOf(base)) !== first);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/**
 * A hand-written TF.js graph model (what tensorflowjs_converter emits for a
 * SavedModel): x [-1,4,4,1] → Reshape [-1,16] → MatMul w1 [16,5] → Relu
 * ("features") → MatMul w2 [5,3] ("logits"). Written by hand because
 * creating graph models needs Python TensorFlow, which our machines lack.
 */
async function writeGraphModel(
  dir: string,
  w1: Float32Array,
  w2: Float32Array,
) {
  const dim = (...sizes: number[]) => ({
    dim: sizes.map((s) => ({ size: String(s) })),
  });
  const constNode = (name: string, dtype: string, shape: number[]) => ({
    name,
    op: "Const",
    attr: {
      dtype: { type: dtype },
      value: { tensor: { dtype, tensorShape: dim(...shape) } },
    },
  });
  const modelJson = {
    format: "graph-model",
    generatedBy: "ganbench test",
    convertedBy: "hand-written",
    modelTopology: {
      node: [
        {
          name: "x",
          op: "Placeholder",
          attr: {
            dtype: { type: "DT_FLOAT" },
            shape: { shape: dim(-1, 4, 4, 1) },
          },
        },
        constNode("flat_shape", "DT_INT32", [2]),
        constNode("w1", "DT_FLOAT", [16, 5]),
        constNode("w2", "DT_FLOAT", [5, 3]),
        {
          name: "flat",
          op: "Reshape",
          input: ["x", "flat_shape"],
          attr: { T: { type: "DT_FLOAT" } },
        },
        {
          name: "mm1",
          op: "MatMul",
          input: ["flat", "w1"],
          attr: {
            T: { type: "DT_FLOAT" },
            transpose_a: { b: false },
            transpose_b: { b: false },
          },
        },
        {
          name: "features",
          op: "Relu",
          input: ["mm1"],
          attr: { T: { type: "DT_FLOAT" } },
        },
        {
          name: "logits",
          op: "MatMul",
          input: ["features", "w2"],
          attr: {
            T: { type: "DT_FLOAT" },
            transpose_a: { b: false },
            transpose_b: { b: false },
          },
        },
      ],
      library: {},
      versions: { producer: 1 },
    },
    weightsManifest: [{
      paths: ["group1-shard1of1.bin"],
      weights: [
        { name: "flat_shape", shape: [2], dtype: "int32" },
        { name: "w1", shape: [16, 5], dtype: "float32" },
        { name: "w2", shape: [5, 3], dtype: "float32" },
      ],
    }],
  };
  const bytes = new Uint8Array(8 + w1.byteLength + w2.byteLength);
  bytes.set(new Uint8Array(Int32Array.from([-1, 16]).buffer), 0);
  bytes.set(new Uint8Array(w1.buffer), 8);
  bytes.set(new Uint8Array(w2.buffer), 8 + w1.byteLength);
  await writeFileAtomic(join(dir, "group1-shard1of1.bin"), bytes);
  await writeFileAtomic(join(dir, "graph.json"), JSON.stringify(modelJson));
  return bytes;
}

Deno.test("external graph model: named node outputs, resize from 8×8 to the 4×4 input, softmax of logits", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ganbench-graph-" });
  try {
    const w1 = Float32Array.from({ length: 80 }, (_, i) => Math.sin(i + 1));
    const w2 = Float32Array.from({ length: 15 }, (_, i) => Math.cos(i + 1));
    const bytes = await writeGraphModel(dir, w1, w2);
    const path = join(dir, "graph.json");
    // Without featureOutput, the graph's only output node (logits) is the feature.
    const plain = await loadEvaluator({ path });
    equal(plain.featureDim, 3);
    equal(plain.numClasses, 0);
    plain.dispose();
    const ev = await loadEvaluator({
      path,
      featureOutput: "features",
      logitsOutput: "logits",
      batchSize: 3,
    });
    equal(ev.id, "external:graph.json");
    equal(
      ev.checksum,
      evaluatorChecksum(md5Hex(bytes), {
        featureOutput: "features",
        logitsOutput: "logits",
        probabilitiesOutput: null,
        inputShape: [4, 4, 1],
        inputRange: [-1, 1],
      }),
    );
    deepEqual(ev.inputShape, [4, 4, 1]);
    equal(ev.featureDim, 5);
    equal(ev.numClasses, 3);
    const images = tf.randomUniform(
      [7, 8, 8, 1],
      -1,
      1,
      "float32",
      4,
    ) as tf.Tensor4D;
    const { features, probabilities } = ev.predict(images);
    const [wantF, wantP] = tf.tidy(() => {
      const x = tf.reshape(
        tf.image.resizeBilinear(images, [4, 4], false, true),
        [7, 16],
      );
      const f = tf.relu(tf.matMul(x, tf.tensor2d(w1, [16, 5])));
      return [f, tf.softmax(tf.matMul(f, tf.tensor2d(w2, [5, 3])))];
    });
    ok(maxAbsDiff(features, wantF) < 1e-5);
    ok(maxAbsDiff(probabilities, wantP) < 1e-5);
    tf.dispose([images, features, probabilities, wantF, wantP]);
    ev.dispose();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("prepareImages: tiling, range mapping and shape errors", () => {
  const x = tf.tensor4d([-1, 0, 0.5, 1], [1, 2, 2, 1]);
  const y = prepareImages(x, [2, 2, 3], [0, 255]);
  deepEqual(y.shape, [1, 2, 2, 3]);
  const v = y.dataSync();
  const want = [0, 127.5, 191.25, 255];
  for (let i = 0; i < 4; i++) {
    for (let c = 0; c < 3; c++) assertClose(v[i * 3 + c], want[i], 1e-4);
  }
  const rgb = tf.zeros([1, 2, 2, 3]) as tf.Tensor4D;
  throws(
    () => prepareImages(rgb, [2, 2, 1]),
    /images have 3 channels, the network wants 1/,
  );
  tf.dispose([x, y, rgb]);
});
