import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { assert } from "../_assert.ts";
import {
  encodeIdx,
  isGzip,
  maybeGunzip,
  parseIdx,
} from "../../src/data/idx.ts";
import { loadDataset } from "../../src/data/registry.ts";
import { bytes, rejectsOneLine, writeIdxDir } from "./_helpers.ts";

Deno.test("parseIdx reads labels and images headers", () => {
  const labels = parseIdx(
    new Uint8Array([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 9]),
    "l",
    "labels",
  );
  assert.deepEqual(labels.dims, [3]);
  assert.deepEqual([...labels.data], [7, 2, 9]);
  const img = encodeIdx("images", [2, 2, 3], bytes(12, 5));
  assert.equal(img.length, 16 + 12);
  const parsed = parseIdx(img, "i", "images");
  assert.deepEqual(parsed.dims, [2, 2, 3]);
  assert.deepEqual([...parsed.data], [...bytes(12, 5)]);
});

Deno.test("parseIdx rejects wrong magic, truncated and too long content", () => {
  const good = encodeIdx("images", [10, 28, 28], new Uint8Array(7840));
  assert.throws(
    () => parseIdx(good, "x/train-images-idx3-ubyte", "labels"),
    /^Error: x\/train-images-idx3-ubyte: wrong magic number 0x00000803, expected 0x00000801 \(IDX labels\)$/,
  );
  assert.throws(
    () => parseIdx(good.subarray(0, 1000), "t", "images"),
    /^Error: t: truncated: expected 7856 bytes, found 1000$/,
  );
  const long = new Uint8Array(good.length + 1);
  long.set(good);
  assert.throws(
    () => parseIdx(long, "t", "images"),
    /^Error: t: too long: expected 7856 bytes, found 7857$/,
  );
  assert.throws(
    () => parseIdx(good.subarray(0, 10), "h", "images"),
    /^Error: h: truncated/,
  );
  assert.throws(
    () => parseIdx(new Uint8Array(2), "e", "labels"),
    /^Error: e: truncated/,
  );
});

Deno.test("gzip is detected and decompressed; corrupt gzip is a one-line error", () => {
  const plain = encodeIdx("labels", [4], new Uint8Array([1, 2, 3, 4]));
  const gz = new Uint8Array(gzipSync(plain));
  assert.equal(isGzip(gz), true);
  assert.equal(isGzip(plain), false);
  assert.deepEqual([...maybeGunzip(gz, "g")], [...plain]);
  assert.equal(maybeGunzip(plain, "p"), plain);
  assert.throws(
    () => maybeGunzip(gz.subarray(0, gz.length - 6), "bad.gz"),
    (e: unknown) =>
      e instanceof Error && /^bad\.gz: corrupt gzip data/.test(e.message) &&
      !e.message.includes("\n"),
  );
});

Deno.test("IDX directory: plain and gzipped copies load identically", async () => {
  const plain = await writeIdxDir();
  const gz = await writeIdxDir({ gzip: true });
  const cacheDir = join(plain, "cache");
  try {
    const a = await loadDataset("mnist", {
      dataDir: plain,
      cacheDir,
      verifyChecksums: false,
    });
    const b = await loadDataset("mnist", {
      dataDir: gz,
      cacheDir,
      verifyChecksums: false,
    });
    assert.equal(a.train.count, 12);
    assert.equal(a.test.count, 6);
    assert.equal(a.train.images.length, 12 * 784);
    assert.deepEqual(a.train.images, b.train.images);
    assert.deepEqual(a.test.labels, b.test.labels);
    assert.deepEqual(a.checksums, b.checksums); // md5 of the uncompressed content
    assert.equal(a.source, plain);
  } finally {
    await Deno.remove(plain, { recursive: true });
    await Deno.remove(gz, { recursive: true });
  }
});

Deno.test("bad data directories fail with one line naming the file", async (t) => {
  const cacheDir = await Deno.makeTempDir({ prefix: "ganbench_cache_" });
  const dirs: string[] = [];
  const fresh = async (opts = {}) => {
    const d = await writeIdxDir(opts);
    dirs.push(d);
    return d;
  };
  const load = (dataDir: string, id = "mnist", verifyChecksums = false) => () =>
    loadDataset(id, { dataDir, cacheDir, verifyChecksums });

  await t.step("missing directory", async () => {
    const missing = join(cacheDir, "no-such-dir");
    await rejectsOneLine(load(missing), missing, /data directory not found$/);
    await rejectsOneLine(
      load(missing, "fashion"),
      missing,
      /Fashion-MNIST data directory not found$/,
    );
    await rejectsOneLine(
      load(missing, "cifar10"),
      missing,
      /CIFAR-10 data directory not found$/,
    );
  });

  await t.step("missing file", async () => {
    const dir = await fresh();
    const path = join(dir, "t10k-labels-idx1-ubyte");
    await Deno.remove(path);
    await rejectsOneLine(
      load(dir),
      path,
      /: file not found \(also looked for .*\.gz\)$/,
    );
  });

  await t.step("truncated file", async () => {
    const dir = await fresh();
    const path = join(dir, "train-images-idx3-ubyte");
    const content = await Deno.readFile(path);
    await Deno.writeFile(path, content.subarray(0, 1000));
    await rejectsOneLine(
      load(dir),
      path,
      /: truncated: expected 9424 bytes, found 1000$/,
    );
  });

  await t.step("file too long", async () => {
    const dir = await fresh();
    const path = join(dir, "t10k-images-idx3-ubyte");
    const content = await Deno.readFile(path);
    await Deno.writeFile(path, new Uint8Array([...content, 0, 0]));
    await rejectsOneLine(
      load(dir),
      path,
      /: too long: expected 4720 bytes, found 4722$/,
    );
  });

  await t.step("wrong magic number", async () => {
    const dir = await fresh();
    const path = join(dir, "train-labels-idx1-ubyte");
    const content = await Deno.readFile(path);
    content[3] = 0x03;
    await Deno.writeFile(path, content);
    await rejectsOneLine(
      load(dir),
      path,
      /: wrong magic number 0x00000803, expected 0x00000801 \(IDX labels\)$/,
    );
  });

  await t.step("wrong image size", async () => {
    const dir = await fresh({ size: 32 });
    await rejectsOneLine(
      load(dir),
      join(dir, "train-images-idx3-ubyte"),
      /: wrong image size 32x32, expected 28x28$/,
    );
  });

  await t.step("count mismatch between images and labels", async () => {
    const dir = await fresh();
    const path = join(dir, "t10k-labels-idx1-ubyte");
    await Deno.writeFile(path, encodeIdx("labels", [5], new Uint8Array(5)));
    await rejectsOneLine(
      load(dir),
      path,
      /: count mismatch: 5 labels but .*t10k-images-idx3-ubyte has 6 images$/,
    );
  });

  await t.step("label out of range", async () => {
    const dir = await fresh();
    const path = join(dir, "train-labels-idx1-ubyte");
    const labels = new Uint8Array(12);
    labels[4] = 10;
    await Deno.writeFile(path, encodeIdx("labels", [12], labels));
    await rejectsOneLine(
      load(dir),
      path,
      /: label 10 at index 4 is out of range/,
    );
  });

  await t.step("wrong checksum", async () => {
    const dir = await fresh();
    await rejectsOneLine(
      load(dir, "mnist", true),
      join(dir, "train-images-idx3-ubyte"),
      /: checksum mismatch: expected md5 6bbc9ace898e44ae57da46a324031adb, found [0-9a-f]{32}$/,
    );
    await rejectsOneLine(
      load(dir, "fashion", true),
      join(dir, "train-images-idx3-ubyte"),
      /: checksum mismatch: expected md5 f4a8712d7a061bf5bd6d2ca38dc4d50a, found [0-9a-f]{32}$/,
    );
  });

  await t.step("corrupt gzip", async () => {
    const dir = await fresh({ gzip: true });
    const path = join(dir, "t10k-images-idx3-ubyte.gz");
    const content = await Deno.readFile(path);
    await Deno.writeFile(path, content.subarray(0, content.length - 20));
    await rejectsOneLine(load(dir), path, /: corrupt gzip data/);
  });

  for (const d of dirs) await Deno.remove(d, { recursive: true });
  await Deno.remove(cacheDir, { recursive: true });
});
