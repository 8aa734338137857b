import { assert } from "../_assert.ts";
import { classCounts } from "../../src/data/split.ts";
import { loadDataset } from "../../src/data/registry.ts";
import { FASHION_DEFAULT_DIR } from "../../src/data/fashion_mnist.ts";
import { KNOWN_MD5 } from "../../src/data/checksum.ts";

const fashionPresent = await Deno.stat(FASHION_DEFAULT_DIR).then(
  () => true,
  () => false,
);

Deno.test("MNIST: 60000/10000 images, official md5s, known labels and pixels", async () => {
  const ds = await loadDataset("mnist");
  assert.equal(ds.id, "mnist");
  assert.deepEqual([ds.height, ds.width, ds.channels, ds.numClasses], [
    28,
    28,
    1,
    10,
  ]);
  assert.equal(ds.train.count, 60000);
  assert.equal(ds.test.count, 10000);
  assert.equal(ds.train.images.length, 60000 * 784);
  assert.equal(ds.test.labels.length, 10000);
  assert.deepEqual(ds.checksums, KNOWN_MD5.mnist);
  assert.deepEqual(
    classCounts(ds.test, 10),
    [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009],
  );
  assert.deepEqual(
    classCounts(ds.train, 10),
    [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949],
  );
  // the famous first digits: train 5, 0, 4, 1, 9; test 7, 2, 1, 0, 4
  assert.deepEqual([...ds.train.labels.subarray(0, 5)], [5, 0, 4, 1, 9]);
  assert.deepEqual([...ds.test.labels.subarray(0, 5)], [7, 2, 1, 0, 4]);
  // row 5 of the first training image starts the "5" stroke: pixel (5, 12) = 3
  assert.equal(ds.train.images[5 * 28 + 12], 3);
  assert.equal(ds.train.images[0], 0);
  let max = 0;
  for (const v of ds.train.images.subarray(0, 784)) max = Math.max(max, v);
  assert.equal(max, 255);
  // the same object is returned from memory the second time
  assert.equal(await loadDataset("mnist"), ds);
});

Deno.test({
  name: "Fashion-MNIST: 60000/10000 images, 6000/1000 per class, md5s",
  ignore: !fashionPresent,
  fn: async () => {
    const ds = await loadDataset("fashion-mnist");
    assert.equal(ds.id, "fashion");
    assert.equal(ds.train.count, 60000);
    assert.equal(ds.test.count, 10000);
    assert.deepEqual(classCounts(ds.train, 10), new Array(10).fill(6000));
    assert.deepEqual(classCounts(ds.test, 10), new Array(10).fill(1000));
    assert.deepEqual(ds.checksums, KNOWN_MD5.fashion);
    assert.equal(ds.classNames[0], "T-shirt/top");
    assert.equal(ds.classNames[9], "Ankle boot");
    // first train item is an ankle boot, first test item too
    assert.equal(ds.train.labels[0], 9);
    assert.equal(ds.test.labels[0], 9);
  },
});
