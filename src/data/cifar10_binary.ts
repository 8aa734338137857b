/**
 * The official CIFAR-10 binary layout (`cifar-10-batches-bin`): batch
 * files of 10000 records, each 1 label byte + 3072 bytes of R, G, B planes.
 * Decoding and encoding it, and loading (and md5-verifying) a directory of
 * batch files.
 *
 * @module
 */
import { join } from "node:path";
import {
  assertMd5,
  type ChecksumCache,
  fileMd5,
  KNOWN_MD5,
} from "./checksum.ts";
import { exists, findFile, readFileOrThrow, requireDir } from "./_files.ts";
import type { Split } from "./types.ts";

/** Images per batch file. */
export const PER_BATCH = 10000;
/** Bytes per image (32 × 32 × 3). */
export const IMAGE_BYTES = 3072;
/** Bytes per record of the binary layout (label + image). */
export const RECORD_BYTES = IMAGE_BYTES + 1;
/** The base names of the five training batches. */
export const TRAIN_BATCHES: readonly string[] = [1, 2, 3, 4, 5].map((i) =>
  `data_batch_${i}`
);
/** The base name of the test batch. */
export const TEST_BATCH = "test_batch";

/**
 * Decodes one batch of the official binary layout into a split (HWC).
 *
 * @param bytes The batch file content: records of 1 label byte + 3072 bytes
 *   (1024 R, then 1024 G, then 1024 B, rows top to bottom).
 * @param path The file name used in errors.
 * @returns The images (NHWC) and labels.
 * @example
 * ```ts
 * import { fromCifarBinary } from "./cifar10_binary.ts";
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
 * import { toCifarBinary } from "./cifar10_binary.ts";
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

/** The splits of CIFAR-10 and the md5 of each file they came from. */
export interface CifarSplits {
  /** The 50000 training images. */
  train: Split;
  /** The 10000 test images. */
  test: Split;
  /** md5 by file name. */
  checksums: Record<string, string>;
}

/**
 * `dir` itself or its `cifar-10-batches-bin` subdirectory.
 *
 * @param dir The CIFAR-10 data directory.
 * @returns The directory that holds the batch files.
 */
export async function binDir(dir: string): Promise<string> {
  await requireDir(dir, "CIFAR-10 data directory");
  if (await exists(join(dir, "test_batch.bin"))) return dir;
  const sub = join(dir, "cifar-10-batches-bin");
  if (await exists(join(sub, "test_batch.bin"))) return sub;
  return dir; // loadBinDir names the missing file
}

/**
 * Concatenates splits (images and labels in order).
 *
 * @param parts The splits.
 * @returns One split.
 */
export function concatSplits(parts: Split[]): Split {
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

/**
 * Loads and verifies the six batch files of a binary-layout directory.
 *
 * @param dir The directory with `data_batch_{1…5}.bin` and `test_batch.bin`.
 * @param cache The checksum cache.
 * @param verify Compare each file's md5 with the official one.
 * @returns The splits and the files' md5s.
 */
export async function loadBinDir(
  dir: string,
  cache: ChecksumCache,
  verify: boolean,
): Promise<CifarSplits> {
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
