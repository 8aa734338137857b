/**
 * Sharding: shard `i/n` runs every n-th cell starting at the i-th
 * (round-robin by cell index), so that n machines split a matrix into
 * disjoint parts that together cover it, and similar cells (neighbours in
 * spec order) spread over the machines.
 *
 * @module
 */

/** A parsed shard `i/n`. */
export interface Shard {
  /** 1-based shard number, 1 ≤ index ≤ count. */
  index: number;
  /** Number of shards, ≥ 1. */
  count: number;
}

/**
 * Parses `i/n` (1-based, e.g. `2/4`).
 *
 * @param text The text, e.g. a command-line value.
 * @returns The shard.
 * @throws Error One line: `expected i/n with 1 ≤ i ≤ n (e.g. 2/4), got "…"`.
 * @example
 * ```ts
 * import { parseShard } from "./shard.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(parseShard("2/4"), { index: 2, count: 4 });
 * assert.throws(() => parseShard("5/4"), /^Error: expected i\/n with 1 ≤ i ≤ n/);
 * ```
 */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (
    !m || !Number.isSafeInteger(index) || !Number.isSafeInteger(count) ||
    count < 1 || index < 1 || index > count
  ) {
    throw new Error(
      `expected i/n with 1 ≤ i ≤ n (e.g. 2/4), got ${JSON.stringify(text)}`,
    );
  }
  return { index, count };
}

/**
 * The cells of shard `index` of `count`: those whose position `k` (0-based,
 * in matrix order) satisfies `k mod count = index − 1`, in matrix order.
 *
 * @param cells The whole matrix, in spec order.
 * @param index 1-based shard number.
 * @param count Number of shards.
 * @returns This shard's cells.
 * @throws Error When `index`/`count` are out of range.
 * @example
 * ```ts
 * import { shardCells } from "./shard.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(shardCells(["a", "b", "c", "d", "e"], 2, 2), ["b", "d"]);
 * ```
 */
export function shardCells<T>(
  cells: readonly T[],
  index: number,
  count: number,
): T[] {
  if (
    !Number.isInteger(count) || !Number.isInteger(index) || count < 1 ||
    index < 1 || index > count
  ) {
    throw new Error(
      `shard: expected i/n with 1 ≤ i ≤ n, got ${index}/${count}`,
    );
  }
  return cells.filter((_, k) => k % count === index - 1);
}
