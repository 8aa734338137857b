import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { assert, assertClose } from "../_assert.ts";
import { bytes } from "./_helpers.ts";
import { DATASET_REGISTRY, loadDataset } from "../../src/data/registry.ts";
import type { Dataset, DatasetId } from "../../src/data/types.ts";
import {
  bilinearUpsample,
  EDGE_THRESHOLD,
  getPairTask,
  INPAINT_FILL,
  INPAINT_HOLE,
  isPairTaskId,
  loadPairs,
  PAIR_TASK_IDS,
  PAIR_TASKS,
  pairTensors,
  sobelMagnitude,
  trivialAnswer,
} from "../../src/data/pairs/mod.ts";
import type { PairBatch, PairTaskId } from "../../src/data/pairs/mod.ts";

await tf.setBackend("cpu");
await tf.ready();

/** A small data set with the given id and shape; pixel bytes from `pixel`. */
function fake(
  id: DatasetId,
  counts: { train: number; test: number },
  pixel: (split: "train" | "test", i: number, j: number) => number,
): Dataset {
  const { height, width, channels } = DATASET_REGISTRY[id].shape;
  const size = height * width * channels;
  const split = (name: "train" | "test") => {
    const count = counts[name];
    const images = new Uint8Array(count * size);
    for (let i = 0; i < count; i++) {
      for (let j = 0; j < size; j++) images[i * size + j] = pixel(name, i, j);
    }
    const labels = bytes(count, name === "train" ? 3 : 4, 10);
    return { images, labels, count };
  };
  return {
    id,
    height,
    width,
    channels,
    numClasses: 10,
    classNames: [],
    train: split("train"),
    test: split("test"),
    source: "test fake",
    checksums: {},
  };
}

/** Train bytes from one seed, test bytes from another: tells splits apart. */
function randomFake(id: DatasetId): Dataset {
  const { height, width, channels } = DATASET_REGISTRY[id].shape;
  const size = height * width * channels;
  const train = bytes(6 * size, 11);
  const test = bytes(4 * size, 12);
  return fake(
    id,
    { train: 6, test: 4 },
    (s, i, j) => (s === "train" ? train : test)[i * size + j],
  );
}

const SOURCE_OF: Record<PairTaskId, DatasetId> = {
  "colorize-cifar10": "cifar10",
  "superres4-cifar10": "cifar10",
  "inpaint-mnist": "mnist",
  "edges2fashion": "fashion",
};

/** PSNR in dB of images in [−1, 1] (data range 2). */
function psnr(a: Float32Array, b: Float32Array): number {
  let se = 0;
  for (let i = 0; i < a.length; i++) se += (a[i] - b[i]) ** 2;
  return 10 * Math.log10(4 / (se / a.length));
}

function sameBytes(a: Float32Array, b: Float32Array): boolean {
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

Deno.test("pairs registry: ids, facts consistent with the source data sets", () => {
  assert.deepEqual(PAIR_TASK_IDS, Object.keys(SOURCE_OF));
  for (const id of PAIR_TASK_IDS) {
    assert.ok(isPairTaskId(id));
    const { task } = getPairTask(id);
    assert.equal(task.id, id);
    assert.equal(task.source, SOURCE_OF[id]);
    assert.deepEqual(task.targetShape, DATASET_REGISTRY[task.source].shape);
    assert.equal(task.inputChannels.length, task.inputShape.channels);
    assert.ok(!task.description.includes("\n") && !task.trivial.includes("\n"));
  }
  assert.deepEqual(
    PAIR_TASKS["inpaint-mnist"].task.inputChannels,
    ["masked", "mask"],
  );
  assert.ok(!isPairTaskId("colorize"));
  assert.throws(() => getPairTask("colorize"), (e: Error) => {
    assert.ok(!e.message.includes("\n"));
    assert.match(e.message, /unknown paired task "colorize"/);
    for (const id of PAIR_TASK_IDS) assert.ok(e.message.includes(id), id);
    return true;
  });
});

Deno.test("pairs: a wrong source data set is one clear line", () => {
  const mnist = randomFake("mnist");
  assert.throws(
    () => getPairTask("colorize-cifar10").build(mnist),
    {
      message:
        /^colorize-cifar10: needs the data set cifar10 \(32×32×3\), got mnist \(28×28×1\)$/,
    },
  );
  // same shape, different data set: Fashion-MNIST is not MNIST
  assert.throws(
    () => getPairTask("inpaint-mnist").build(randomFake("fashion")),
    /needs the data set mnist/,
  );
  const cut = { ...mnist, test: { ...mnist.test, count: 5 } };
  assert.throws(
    () => getPairTask("inpaint-mnist").build(cut),
    /inpaint-mnist: mnist test split has 3136 bytes and 4 labels, expected 5 × 784 and 5/,
  );
});

Deno.test("pairs: deterministic, shapes, ranges, labels, for every task", () => {
  for (const id of PAIR_TASK_IDS) {
    const entry = getPairTask(id);
    const pairs = entry.build(randomFake(SOURCE_OF[id]));
    const { inputShape: is, targetShape: ts } = entry.task;
    const a = pairs.train.batch([3, 1, 3]);
    const b = pairs.train.batch(new Int32Array([3, 1, 3]));
    assert.ok(sameBytes(a.input, b.input), `${id} input`);
    assert.ok(sameBytes(a.target, b.target), `${id} target`);
    // a batch is the concatenation of its images' pairs
    const one = pairs.train.batch([1]);
    const inSize = is.height * is.width * is.channels;
    assert.ok(sameBytes(a.input.subarray(inSize, 2 * inSize), one.input));
    assert.equal(a.count, 3);
    assert.equal(a.task, id);
    assert.equal(a.split, "train");
    assert.deepEqual([...a.indices], [3, 1, 3]);
    assert.equal(a.input.length, 3 * inSize);
    assert.equal(a.target.length, 3 * ts.height * ts.width * ts.channels);
    assert.deepEqual(a.inputShape, is);
    assert.deepEqual(a.targetShape, ts);
    const labels = pairs.source.train.labels;
    assert.deepEqual([...a.labels], [labels[3], labels[1], labels[3]]);
    for (const v of [...a.input, ...a.target]) {
      assert.ok(v >= -1 && v <= 1, `${id}: ${v} outside [-1, 1]`);
    }
    const trivial = entry.trivial(a, pairs.stats);
    assert.equal(trivial.length, a.target.length, `${id} trivial shape`);
    assert.ok(sameBytes(trivial, trivialAnswer(pairs, b)), `${id} trivial`);
    for (const v of trivial) assert.ok(v >= -1 && v <= 1, `${id}: ${v}`);
  }
});

Deno.test("pairs: test pairs come from the test split only; the source is untouched", () => {
  for (const id of PAIR_TASK_IDS) {
    const ds = randomFake(SOURCE_OF[id]);
    const before = [ds.train.images.slice(), ds.test.images.slice()];
    const pairs = getPairTask(id).build(ds);
    const batch = pairs.test.batch([0, 1, 2, 3]);
    getPairTask(id).trivial(pairs.train.batch([0, 5]), pairs.stats);
    assert.equal(pairs.test.count, 4);
    assert.equal(pairs.train.count, 6);
    for (let j = 0; j < batch.target.length; j++) {
      assertClose(batch.target[j], ds.test.images[j] / 127.5 - 1, 1e-6, id);
    }
    assert.deepEqual([...batch.labels], [...ds.test.labels]);
    assert.deepEqual(ds.train.images, before[0], `${id} train untouched`);
    assert.deepEqual(ds.test.images, before[1], `${id} test untouched`);
    assert.throws(
      () => pairs.test.batch([0, 4]),
      {
        message: new RegExp(
          `^${id} test pairs: index 4 at position 1 is out of range 0…3$`,
        ),
      },
    );
    assert.throws(() => pairs.train.batch([1.5]), /index 1.5 at position 0/);
  }
});

Deno.test("colorize: BT.601 luma by hand, RGB target, trivial = grey", () => {
  const rgb = [[255, 0, 0], [10, 200, 30]];
  const ds = fake("cifar10", { train: 1, test: 1 }, (_s, _i, j) => {
    const p = Math.floor(j / 3);
    return p < 2 ? rgb[p][j % 3] : 128;
  });
  const pairs = getPairTask("colorize-cifar10").build(ds);
  const batch = pairs.test.batch([0]);
  assertClose(batch.input[0], 2 * 0.299 - 1, 1e-6);
  // (0.299·10 + 0.587·200 + 0.114·30) / 255 = 123.81 / 255
  assertClose(batch.input[1], 2 * (123.81 / 255) - 1, 1e-6);
  assertClose(batch.input[2], 2 * (128 / 255) - 1, 1e-6);
  assertClose(batch.target[3], 10 / 127.5 - 1, 1e-6);
  const grey = trivialAnswer(pairs, batch);
  assert.equal(grey.length, 32 * 32 * 3);
  for (let c = 0; c < 3; c++) assert.equal(grey[3 + c], batch.input[1]);
});

Deno.test("superres: 4×4 area means by hand, nearest-upsampled; bilinear trivial", () => {
  // a linear ramp: byte(y, x, c) = 4y + x + 10c
  const ds = fake("cifar10", { train: 1, test: 1 }, (_s, _i, j) => {
    const c = j % 3;
    const p = Math.floor(j / 3);
    return 4 * Math.floor(p / 32) + (p % 32) + 10 * c;
  });
  const pairs = getPairTask("superres4-cifar10").build(ds);
  const batch = pairs.test.batch([0]);
  const at = (a: Float32Array, y: number, x: number, c: number) =>
    a[(y * 32 + x) * 3 + c];
  // block (1, 2), channel 1: mean over y 4…7, x 8…11 = 4·5.5 + 9.5 + 10 = 41.5
  for (let y = 4; y < 8; y++) {
    for (let x = 8; x < 12; x++) {
      assertClose(at(batch.input, y, x, 1), 41.5 / 127.5 - 1, 1e-6);
    }
  }
  assertClose(at(batch.input, 0, 0, 0), 7.5 / 127.5 - 1, 1e-6);
  assertClose(at(batch.target, 10, 10, 2), 70 / 127.5 - 1, 1e-6);

  const up = trivialAnswer(pairs, batch);
  assert.equal(up.length, 32 * 32 * 3);
  // bilinear reproduces a ramp away from the clamped border: (10, 10) = 50 + 10c
  for (let c = 0; c < 3; c++) {
    assertClose(at(up, 10, 10, c), (50 + 10 * c) / 127.5 - 1, 1e-5);
  }
  const constant = new Float32Array(up.length); // mid-grey 0
  const target = batch.target;
  assert.ok(psnr(up, target) > psnr(constant, target) + 10);
  // and beats the nearest blocks (the input itself) on this smooth image
  assert.ok(psnr(up, target) > psnr(batch.input, target));
});

Deno.test("bilinearUpsample: half-pixel centres, clamped edges", () => {
  // 1×2 → 2×4: both rows [0, 0.25, 0.75, 1]
  assert.deepEqual(
    [...bilinearUpsample(new Float32Array([0, 1]), 1, [1, 2, 1], 2)],
    [0, 0.25, 0.75, 1, 0, 0.25, 0.75, 1],
  );
  // 2×1 → 4×2: a column [0, 1] becomes [0, 0.25, 0.75, 1], each value twice
  assert.deepEqual(
    [...bilinearUpsample(new Float32Array([0, 1]), 1, [2, 1, 1], 2)],
    [0, 0, 0.25, 0.25, 0.75, 0.75, 1, 1],
  );
  // 2 images × 2 channels: each plane upsampled alone
  const up = bilinearUpsample(
    new Float32Array([0, 5, 1, 5, 2, 5, 3, 5]),
    2,
    [1, 2, 2],
    2,
  );
  assert.equal(up.length, 2 * 2 * 4 * 2);
  const row = [2, 5, 2.25, 5, 2.75, 5, 3, 5];
  assert.deepEqual([...up.subarray(16)], [...row, ...row]);
});

Deno.test("inpaint: the 12×12 hole at rows/cols 8…19, mask channel, train hole mean", () => {
  assert.deepEqual(INPAINT_HOLE, { top: 8, left: 8, size: 12 });
  // train images all 51 (−0.6), test images a random pattern
  const noise = bytes(4 * 784, 5);
  const ds = fake(
    "mnist",
    { train: 3, test: 4 },
    (s, i, j) => (s === "train" ? 51 : noise[i * 784 + j]),
  );
  const pairs = getPairTask("inpaint-mnist").build(ds);
  assertClose(pairs.stats.holeMean!, -0.6, 1e-12);
  const batch = pairs.test.batch([2]);
  let holes = 0;
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const p = y * 28 + x;
      const hole = y >= 8 && y <= 19 && x >= 8 && x <= 19;
      assert.equal(batch.input[2 * p + 1], hole ? 1 : 0, `mask ${y},${x}`);
      if (hole) holes++;
      const pixel = noise[2 * 784 + p] / 127.5 - 1;
      assertClose(batch.input[2 * p], hole ? INPAINT_FILL : pixel, 1e-6);
      assertClose(batch.target[p], pixel, 1e-6);
    }
  }
  assert.equal(holes, 144);
  const answer = trivialAnswer(pairs, batch);
  assert.equal(answer.length, 784);
  assertClose(answer[8 * 28 + 8], -0.6, 1e-6);
  assertClose(answer[19 * 28 + 19], -0.6, 1e-6);
  assert.equal(answer[7 * 28 + 8], batch.target[7 * 28 + 8]);
  assert.equal(answer[8 * 28 + 20], batch.target[8 * 28 + 20]);
});

Deno.test("inpaint on MNIST: the train hole mean beats a 0 or −1 fill on test", async () => {
  const pairs = await loadPairs("inpaint-mnist");
  assert.equal(pairs.train.count, 60000);
  assert.equal(pairs.test.count, 10000);
  const mean = pairs.stats.holeMean!;
  assert.ok(mean > -1 && mean < 0, `${mean}`);
  const batch = pairs.test.batch(Array.from({ length: 200 }, (_, i) => i));
  const answer = trivialAnswer(pairs, batch);
  const fill = (v: number) =>
    batch.target.map((t, p) => (batch.input[2 * p + 1] === 1 ? v : t));
  assert.ok(psnr(answer, batch.target) > psnr(fill(0), batch.target));
  assert.ok(psnr(answer, batch.target) > psnr(fill(-1), batch.target));
});

Deno.test("edges: Sobel by hand, binary map, mean-image trivial", () => {
  // a vertical step from 0 to 255 between columns 13 and 14
  const ds = fake(
    "fashion",
    { train: 2, test: 1 },
    (s, i, j) => s === "train" ? 100 * i : (j % 28 >= 14 ? 255 : 0),
  );
  const mag = sobelMagnitude(ds.test.images, 28, 28);
  assert.equal(mag[5 * 28 + 13], 4);
  assert.equal(mag[5 * 28 + 14], 4);
  assert.equal(mag[5 * 28 + 12], 0);
  assert.equal(mag[0 * 28 + 14], 4); // replicated border: no edge across it
  assert.equal(mag[0], 0);
  assert.ok(EDGE_THRESHOLD > 0 && EDGE_THRESHOLD <= 4);
  const pairs = getPairTask("edges2fashion").build(ds);
  const batch = pairs.test.batch([0]);
  for (let p = 0; p < 784; p++) {
    const edge = p % 28 === 13 || p % 28 === 14;
    assert.equal(batch.input[p], edge ? 1 : -1, `pixel ${p}`);
  }
  const answer = trivialAnswer(pairs, batch);
  assert.equal(answer.length, 784);
  assertClose(answer[300], 50 / 127.5 - 1, 1e-6); // mean of the train 0 and 100
});

Deno.test("edges2fashion without Fashion-MNIST fails with the data set's own error", async () => {
  const options = { dataDir: "/nonexistent/ganbench-fashion" };
  const expected = await loadDataset("fashion", options).then(
    () => "",
    (e: Error) => e.message,
  );
  assert.match(expected, /Fashion-MNIST/);
  await assert.rejects(loadPairs("edges2fashion", options), (e: Error) => {
    assert.equal(e.message, expected);
    return true;
  });
});

Deno.test("trivial answers refuse a batch of another task", () => {
  const pairs = getPairTask("colorize-cifar10").build(randomFake("cifar10"));
  const batch: PairBatch = pairs.test.batch([0]);
  assert.throws(
    () => getPairTask("superres4-cifar10").trivial(batch, {}),
    {
      message:
        /^trivial answer of superres4-cifar10: got a batch of colorize-cifar10$/,
    },
  );
  const inpaint = getPairTask("inpaint-mnist");
  const b = inpaint.build(randomFake("mnist")).test.batch([0]);
  assert.throws(() => inpaint.trivial(b, {}), /stats.holeMean missing/);
});

Deno.test("pairTensors: NHWC tensors of the batch", () => {
  const pairs = getPairTask("inpaint-mnist").build(randomFake("mnist"));
  const batch = pairs.train.batch([4, 0]);
  const before = tf.memory().numTensors;
  const { input, target } = pairTensors(batch);
  assert.deepEqual(input.shape, [2, 28, 28, 2]);
  assert.deepEqual(target.shape, [2, 28, 28, 1]);
  assert.ok(sameBytes(input.dataSync() as Float32Array, batch.input));
  assert.ok(sameBytes(target.dataSync() as Float32Array, batch.target));
  tf.dispose([input, target]);
  assert.equal(tf.memory().numTensors, before);
});
