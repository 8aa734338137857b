import { join } from "node:path";
import { assert } from "../_assert.ts";
import {
  DATASET_IDS,
  DATASET_REGISTRY,
  datasetAvailability,
  isDatasetId,
  loadDataset,
  parseDatasetId,
} from "../../src/data/registry.ts";
import { loadSynthetic } from "../../src/data/synthetic.ts";
import { classCounts } from "../../src/data/split.ts";
import { ChecksumCache, fileMd5, md5Hex } from "../../src/data/checksum.ts";

Deno.test("parseDatasetId: ids, aliases, unknown id lists the accepted ones", () => {
  assert.equal(parseDatasetId("MNIST"), "mnist");
  assert.equal(parseDatasetId("fashion_mnist"), "fashion");
  assert.equal(parseDatasetId("CIFAR-10"), "cifar10");
  assert.throws(
    () => parseDatasetId("imagenet"),
    /^Error: unknown data set "imagenet": expected one of mnist, fashion, cifar10, synthetic$/,
  );
});

Deno.test("registry: ids are the entry keys; each entry's shape is the loaded data set's", async () => {
  assert.deepEqual([...DATASET_IDS], [
    "mnist",
    "fashion",
    "cifar10",
    "synthetic",
  ]);
  assert.equal(isDatasetId("cifar10"), true);
  assert.equal(isDatasetId("cifar-10"), false);
  assert.equal(isDatasetId("constructor"), false);
  const synthetic = await loadDataset("synthetic");
  const { height, width, channels } = synthetic;
  assert.deepEqual(DATASET_REGISTRY.synthetic.shape, {
    height,
    width,
    channels,
  });
  assert.deepEqual(DATASET_REGISTRY.mnist.shape, {
    height: 28,
    width: 28,
    channels: 1,
  });
  assert.deepEqual(DATASET_REGISTRY.cifar10.shape, {
    height: 32,
    width: 32,
    channels: 3,
  });
});

Deno.test("loadDataset: unknown id rejects with the accepted ids", async () => {
  await assert.rejects(
    () => loadDataset("svhn"),
    /unknown data set "svhn": expected one of mnist, fashion, cifar10, synthetic/,
  );
});

Deno.test("synthetic: sizes, balanced labels, deterministic, range, channels", async () => {
  const a = await loadDataset("synthetic");
  assert.deepEqual([a.height, a.width, a.channels, a.numClasses], [
    16,
    16,
    1,
    4,
  ]);
  assert.equal(a.train.count, 512);
  assert.equal(a.test.count, 128);
  assert.equal(a.train.images.length, 512 * 256);
  assert.deepEqual(classCounts(a.train, 4), [128, 128, 128, 128]);
  assert.deepEqual(classCounts(a.test, 4), [32, 32, 32, 32]);
  const b = loadSynthetic();
  assert.deepEqual(a.train.images, b.train.images);
  assert.deepEqual(a.checksums, b.checksums);
  assert.notDeepEqual(loadSynthetic({ seed: 2 }).train.images, a.train.images);
  // shapes are visible: "on" pixels bright, background dark
  let bright = 0, dark = 0;
  for (const v of a.train.images) v >= 150 ? bright++ : v < 25 ? dark++ : 0;
  assert.equal(bright + dark, a.train.images.length);
  assert.ok(bright > 0.1 * a.train.images.length);
  // the classes are separable: 1-nearest-neighbour against the training
  // images labels (almost) every test image correctly (chance: 25%)
  let correct = 0;
  for (let i = 0; i < a.test.count; i++) {
    let best = -1, bestDist = Infinity;
    for (let t = 0; t < a.train.count; t++) {
      let d = 0;
      for (let j = 0; j < 256; j++) {
        d += (a.test.images[i * 256 + j] - a.train.images[t * 256 + j]) ** 2;
      }
      if (d < bestDist) [best, bestDist] = [a.train.labels[t], d];
    }
    if (best === a.test.labels[i]) correct++;
  }
  assert.ok(
    correct / a.test.count >= 0.95,
    `accuracy ${correct / a.test.count}`,
  );

  const rgb = await loadDataset("synthetic", {
    synthetic: { channels: 3, size: 16, trainCount: 40, testCount: 8 },
  });
  assert.deepEqual([rgb.height, rgb.width, rgb.channels], [16, 16, 3]);
  assert.equal(rgb.train.images.length, 40 * 16 * 16 * 3);
  assert.equal(rgb.test.count, 8);
  assert.throws(() => loadSynthetic({ size: 4 }), /synthetic size 4/);
});

Deno.test("checksum cache: stored per size+mtime, recomputed when the file changes", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ganbench_md5_" });
  try {
    const file = join(dir, "f.bin");
    await Deno.writeFile(file, new TextEncoder().encode("abc"));
    const cache = new ChecksumCache(join(dir, "cache"));
    assert.equal(
      await fileMd5(file, { cache }),
      "900150983cd24fb0d6963f7d28e17f72",
    );
    await cache.flush();
    const reread = new ChecksumCache(join(dir, "cache"));
    assert.equal(await reread.get(file), "900150983cd24fb0d6963f7d28e17f72");
    // a lie stored in the cache is returned while the file is unchanged …
    await reread.set(file, "0".repeat(32));
    assert.equal(await fileMd5(file, { cache: reread }), "0".repeat(32));
    // … and ignored once size/mtime change
    await Deno.writeFile(file, new TextEncoder().encode("abcd"));
    assert.equal(await reread.get(file), undefined);
    assert.equal(
      await fileMd5(file, { cache: reread }),
      md5Hex(new TextEncoder().encode("abcd")),
    );
    assert.equal(md5Hex(new Uint8Array()), "d41d8cd98f00b204e9800998ecf8427e");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("datasetAvailability: one row per id, never downloads", async () => {
  const cacheDir = await Deno.makeTempDir({ prefix: "ganbench_avail_" });
  try {
    const rows = await datasetAvailability({
      cacheDir,
      dataDirs: { fashion: join(cacheDir, "nope") },
    });
    assert.deepEqual(rows.map((r) => r.id), [...DATASET_IDS]);
    const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
    assert.equal(byId.mnist.available, true);
    assert.equal(byId.mnist.verified, true);
    assert.match(byId.mnist.detail, /md5 verified/);
    assert.equal(byId.fashion.available, false);
    assert.match(
      byId.fashion.detail,
      /nope: Fashion-MNIST data directory not found$/,
    );
    assert.equal(byId.synthetic.available, true);
    // CIFAR-10: either present (package or decoded cache) or "not fetched yet"
    assert.ok(
      byId.cifar10.available ||
        byId.cifar10.detail ===
          "not fetched yet (fetched on first use, 139 MB)",
      byId.cifar10.detail,
    );
    for (const r of rows) assert.ok(!r.detail.includes("\n"));
  } finally {
    await Deno.remove(cacheDir, { recursive: true });
  }
});
