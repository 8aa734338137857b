/**
 * Private loader shared by MNIST and Fashion-MNIST: a directory holding the
 * four official IDX files (`{train,t10k}-{images-idx3,labels-idx1}-ubyte`,
 * plain or `.gz`).
 *
 * @module
 */
import { assertMd5, ChecksumCache, fileMd5 } from "./checksum.ts";
import { findFile, readFileOrThrow, requireDir } from "./_files.ts";
import { maybeGunzip, parseIdx } from "./idx.ts";
import type { LoadOptions, Split } from "./types.ts";

/** What an IDX directory must contain. */
export interface IdxDirSpec {
  /** Data set name for errors, e.g. `MNIST`. */
  name: string;
  /** Image height. */
  height: number;
  /** Image width. */
  width: number;
  /** Number of classes (labels must be below). */
  numClasses: number;
  /** Known md5 of the uncompressed files, keyed by official base name. */
  md5: Readonly<Record<string, string>>;
}

/** The result of {@linkcode loadIdxDir}. */
export interface IdxDirData {
  /** The training split. */
  train: Split;
  /** The test split. */
  test: Split;
  /** Base name (uncompressed) → md5 of the uncompressed content. */
  checksums: Record<string, string>;
}

/** The candidate names of an official IDX file, preferred first. */
function candidates(base: string): string[] {
  const dotted = base.replace(/-(idx[13]-ubyte)$/, ".$1");
  return [base, `${base}.gz`, dotted, `${dotted}.gz`];
}

/**
 * Loads and verifies the four IDX files of an MNIST-like data set.
 *
 * @param dir The directory.
 * @param spec Expected shape, class count and checksums.
 * @param options Cache directory and whether to verify checksums.
 * @returns Both splits and the checksums.
 */
export async function loadIdxDir(
  dir: string,
  spec: IdxDirSpec,
  options: LoadOptions = {},
): Promise<IdxDirData> {
  await requireDir(dir, `${spec.name} data directory`);
  const cache = new ChecksumCache(options.cacheDir);
  const checksums: Record<string, string> = {};
  const pending: Array<{ path: string; base: string; content: Uint8Array }> =
    [];

  const readSplit = async (prefix: "train" | "t10k"): Promise<Split> => {
    const imagesBase = `${prefix}-images-idx3-ubyte`;
    const labelsBase = `${prefix}-labels-idx1-ubyte`;
    const imagesPath = await locate(dir, imagesBase);
    const labelsPath = await locate(dir, labelsBase);
    const imagesContent = maybeGunzip(
      await readFileOrThrow(imagesPath),
      imagesPath,
    );
    const images = parseIdx(imagesContent, imagesPath, "images");
    const [n, h, w] = images.dims;
    if (h !== spec.height || w !== spec.width) {
      throw new Error(
        `${imagesPath}: wrong image size ${h}x${w}, expected ${spec.height}x${spec.width}`,
      );
    }
    const labelsContent = maybeGunzip(
      await readFileOrThrow(labelsPath),
      labelsPath,
    );
    const labels = parseIdx(labelsContent, labelsPath, "labels");
    if (labels.dims[0] !== n) {
      throw new Error(
        `${labelsPath}: count mismatch: ${
          labels.dims[0]
        } labels but ${imagesPath} has ${n} images`,
      );
    }
    for (let i = 0; i < labels.data.length; i++) {
      if (labels.data[i] >= spec.numClasses) {
        throw new Error(
          `${labelsPath}: label ${
            labels.data[i]
          } at index ${i} is out of range 0…${spec.numClasses - 1}`,
        );
      }
    }
    pending.push({
      path: imagesPath,
      base: imagesBase,
      content: imagesContent,
    });
    pending.push({
      path: labelsPath,
      base: labelsBase,
      content: labelsContent,
    });
    return { images: images.data, labels: labels.data, count: n };
  };

  const train = await readSplit("train");
  const test = await readSplit("t10k");
  for (const { path, base, content } of pending) {
    const md5 = await fileMd5(path, {
      cache,
      bytes: content,
      variant: "content",
    });
    if (options.verifyChecksums !== false) assertMd5(path, md5, spec.md5[base]);
    checksums[base] = md5;
  }
  await cache.flush();
  return { train, test, checksums };
}

async function locate(dir: string, base: string): Promise<string> {
  const path = await findFile(dir, candidates(base));
  if (!path) {
    throw new Error(
      `${dir}/${base}: file not found (also looked for ${base}.gz)`,
    );
  }
  return path;
}

/**
 * Checks that the four IDX files exist and (when `verify`) that their
 * uncompressed md5s match, without parsing them; md5s come from the cache
 * when the files are unchanged.
 *
 * @param dir The directory.
 * @param spec The expected checksums.
 * @param cache The checksum cache.
 * @param verify Whether to compare md5s.
 * @returns `verified` and a one-line detail; throws a one-line error when a
 *   file is missing or wrong.
 */
export async function verifyIdxDir(
  dir: string,
  spec: IdxDirSpec,
  cache: ChecksumCache,
  verify: boolean,
): Promise<{ verified: boolean; files: string[] }> {
  await requireDir(dir, `${spec.name} data directory`);
  const files: string[] = [];
  for (const prefix of ["train", "t10k"]) {
    for (const kind of ["images-idx3", "labels-idx1"]) {
      const base = `${prefix}-${kind}-ubyte`;
      const path = await locate(dir, base);
      files.push(path);
      if (!verify) continue;
      const md5 = await fileMd5(path, {
        cache,
        variant: "content",
        bytes: async () => maybeGunzip(await readFileOrThrow(path), path),
      });
      assertMd5(path, md5, spec.md5[base]);
    }
  }
  return { verified: verify, files };
}
