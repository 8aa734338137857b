/**
 * Shared helpers of the data tests: temp directories with generated IDX
 * files, and one-line error assertions.
 *
 * @module
 */
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { encodeIdx } from "../../src/data/idx.ts";
import { assert } from "../_assert.ts";

/** Deterministic pseudo-random bytes. */
export function bytes(n: number, seed: number, mod = 256): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s >>> 24) % mod;
  }
  return out;
}

/** Options of {@linkcode writeIdxDir}. */
export interface IdxDirOptions {
  /** Train images (default 12). */
  train?: number;
  /** Test images (default 6). */
  test?: number;
  /** Image side (default 28). */
  size?: number;
  /** Write `.gz` files. */
  gzip?: boolean;
}

/**
 * Writes the four IDX files of a small MNIST-like data set into a new temp
 * directory and returns it.
 */
export async function writeIdxDir(
  options: IdxDirOptions = {},
): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "ganbench_idx_" });
  const size = options.size ?? 28;
  const counts = { train: options.train ?? 12, t10k: options.test ?? 6 };
  for (const [prefix, n] of Object.entries(counts)) {
    const images = encodeIdx(
      "images",
      [n, size, size],
      bytes(n * size * size, n),
    );
    const labels = encodeIdx("labels", [n], bytes(n, n + 1, 10));
    await writeMaybeGz(
      join(dir, `${prefix}-images-idx3-ubyte`),
      images,
      options.gzip,
    );
    await writeMaybeGz(
      join(dir, `${prefix}-labels-idx1-ubyte`),
      labels,
      options.gzip,
    );
  }
  return dir;
}

async function writeMaybeGz(path: string, data: Uint8Array, gz?: boolean) {
  if (gz) await Deno.writeFile(`${path}.gz`, gzipSync(data));
  else await Deno.writeFile(path, data);
}

/**
 * Asserts that `fn` rejects with a one-line message containing `path` and
 * matching `pattern`.
 */
export async function rejectsOneLine(
  fn: () => Promise<unknown>,
  path: string,
  pattern: RegExp,
): Promise<void> {
  await assert.rejects(fn, (e: unknown) => {
    assert.ok(e instanceof Error, "an Error");
    const msg = e.message;
    assert.ok(!msg.includes("\n"), `one line: ${JSON.stringify(msg)}`);
    assert.ok(msg.includes(path), `names ${path}: ${msg}`);
    assert.ok(pattern.test(msg), `matches ${pattern}: ${msg}`);
    return true;
  });
}
