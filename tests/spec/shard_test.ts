import { assert } from "../_assert.ts";
import { parseShard, shardCells } from "../../src/spec/shard.ts";
import { expandSpec } from "../../src/spec/expand.ts";
import { loadProfile } from "../../src/spec/profiles.ts";

Deno.test("parseShard accepts i/n with 1 ≤ i ≤ n", () => {
  assert.deepEqual(parseShard("2/4"), { index: 2, count: 4 });
  assert.deepEqual(parseShard("1/1"), { index: 1, count: 1 });
  assert.deepEqual(parseShard(" 3 / 3 "), { index: 3, count: 3 });
  for (
    const bad of ["0/4", "5/4", "2", "2/0", "a/b", "-1/2", "1.5/3", "", "1/2/3"]
  ) {
    assert.throws(
      () => parseShard(bad),
      (e: Error) => {
        assert.equal(
          e.message,
          `expected i/n with 1 ≤ i ≤ n (e.g. 2/4), got ${JSON.stringify(bad)}`,
        );
        return true;
      },
    );
  }
});

Deno.test("shardCells: shards are disjoint, cover the matrix and keep its order", async () => {
  const cells = expandSpec(await loadProfile("mnist"));
  const ids = cells.map((c) => c.id);
  for (const n of [1, 2, 3, 4, 7, 150, 151]) {
    const seen = new Map<string, number>();
    for (let i = 1; i <= n; i++) {
      const part = shardCells(cells, i, n).map((c) => c.id);
      // matrix order within a shard
      assert.deepEqual(
        part,
        [...part].sort((a, b) => ids.indexOf(a) - ids.indexOf(b)),
      );
      for (const id of part) {
        assert.equal(
          seen.has(id),
          false,
          `${id} in shards ${seen.get(id)} and ${i} of ${n}`,
        );
        seen.set(id, i);
      }
      // balanced: sizes differ by at most one
      const size = part.length;
      assert.equal(Math.abs(size - cells.length / n) < 1, true);
    }
    assert.equal(seen.size, cells.length, `shards of ${n} cover the matrix`);
  }
  assert.deepEqual(shardCells(["a", "b", "c", "d", "e"], 2, 2), ["b", "d"]);
  assert.throws(
    () => shardCells(cells, 0, 2),
    /^Error: shard: expected i\/n with 1 ≤ i ≤ n, got 0\/2$/,
  );
});
