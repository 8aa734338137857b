import { assert } from "../_assert.ts";
import {
  BatchSampler,
  epochSeed,
  fixedSubset,
} from "../../src/data/sampler.ts";

function epochBatches(s: BatchSampler): Int32Array[] {
  const out: Int32Array[] = [];
  for (let i = 0; i < s.batchesPerEpoch; i++) out.push(s.next());
  return out;
}

Deno.test("BatchSampler: same seed gives the same batches", () => {
  const a = new BatchSampler(100, 10, 42);
  const b = new BatchSampler(100, 10, 42);
  for (let i = 0; i < 35; i++) assert.deepEqual(a.next(), b.next());
  const c = new BatchSampler(100, 10, 43);
  assert.notDeepEqual(new BatchSampler(100, 10, 42).next(), c.next());
});

Deno.test("BatchSampler: every index once per epoch, epochs differ", () => {
  const s = new BatchSampler(100, 10, 7);
  assert.equal(s.batchesPerEpoch, 10);
  const e0 = epochBatches(s);
  assert.equal(s.epoch, 0);
  const e1 = epochBatches(s);
  assert.equal(s.epoch, 1);
  for (const epoch of [e0, e1]) {
    const all = epoch.flatMap((b) => [...b]).sort((x, y) => x - y);
    assert.deepEqual(all, Array.from({ length: 100 }, (_, i) => i));
  }
  assert.notDeepEqual(e0, e1);
  s.next();
  assert.equal(s.epoch, 2);
});

Deno.test("BatchSampler: drops the incomplete last batch", () => {
  const s = new BatchSampler(25, 10, 3);
  assert.equal(s.batchesPerEpoch, 2);
  const seen = new Set<number>();
  for (const b of epochBatches(s)) {
    assert.equal(b.length, 10);
    for (const i of b) seen.add(i);
  }
  assert.equal(seen.size, 20);
  assert.equal(s.epoch, 0);
  s.next(); // the third call starts epoch 1 instead of returning 5 items
  assert.equal(s.epoch, 1);
});

Deno.test("BatchSampler: rejects bad sizes with one line", () => {
  assert.throws(() => new BatchSampler(10, 11, 1), /batch size 11/);
  assert.throws(() => new BatchSampler(0, 1, 1), /count 0/);
  assert.throws(() => new BatchSampler(10, 0, 1), /batch size 0/);
});

Deno.test("epochSeed: distinct per epoch and seed", () => {
  const seeds = new Set<number>();
  for (let s = 0; s < 20; s++) {
    for (let e = 0; e < 20; e++) seeds.add(epochSeed(s, e));
  }
  assert.equal(seeds.size, 400);
});

Deno.test("fixedSubset: deterministic, distinct, prefix of the permutation", () => {
  const a = fixedSubset(1000, 100, 5);
  assert.deepEqual(a, fixedSubset(1000, 100, 5));
  assert.equal(new Set(a).size, 100);
  for (const i of a) assert.ok(i >= 0 && i < 1000);
  assert.deepEqual(fixedSubset(1000, 10, 5), a.subarray(0, 10));
  assert.notDeepEqual(fixedSubset(1000, 100, 6), a);
  assert.equal(fixedSubset(10, 10, 1).length, 10);
  assert.equal(fixedSubset(10, 0, 1).length, 0);
  assert.throws(
    () => fixedSubset(10, 11, 1),
    /fixedSubset size 11: must be an integer in 0…10/,
  );
});

Deno.test("BatchSampler.seek resumes exactly where a run stopped", () => {
  const ref = new BatchSampler(50, 8, 11); // 6 batches per epoch
  const batches = Array.from({ length: 20 }, () => ref.next());
  assert.equal(ref.position, 20);
  for (const step of [0, 1, 5, 6, 7, 12, 19]) {
    const s = new BatchSampler(50, 8, 11);
    s.seek(step);
    assert.equal(s.position, step);
    assert.deepEqual(s.next(), batches[step], `step ${step}`);
    assert.equal(s.epoch, Math.floor(step / 6));
    if (step + 1 < 20) assert.deepEqual(s.next(), batches[step + 1]);
  }
  assert.throws(() => ref.seek(-1), /seek -1/);
});
