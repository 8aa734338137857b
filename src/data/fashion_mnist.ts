/**
 * Fashion-MNIST (Xiao et al., Zalando): 28×28 grey clothing images, 60000
 * train / 10000 test, 10 classes. Read from a directory of the official IDX
 * files (gzipped or plain); the default is the Debian package
 * `dataset-fashion-mnist`'s `/usr/share/datasets/fashion-mnist/`.
 *
 * @module
 */
import { KNOWN_MD5 } from "./checksum.ts";
import { loadIdxDir } from "./_idx_dir.ts";
import type { Dataset, LoadOptions } from "./types.ts";

/** Where Debian's `dataset-fashion-mnist` installs the files. */
export const FASHION_DEFAULT_DIR = "/usr/share/datasets/fashion-mnist";

/** Fashion-MNIST class names, index = label. */
export const FASHION_CLASS_NAMES: readonly string[] = [
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
];

/**
 * Loads Fashion-MNIST and verifies sizes, headers and md5 checksums (of the
 * uncompressed files, so re-compressed copies verify too).
 *
 * @param options `dataDir` overrides {@linkcode FASHION_DEFAULT_DIR};
 *   `cacheDir` holds the checksum cache; `verifyChecksums: false` skips md5s.
 * @returns The data set (28×28×1, 10 classes).
 * @example
 * ```ts
 * import { loadFashionMnist } from "./fashion_mnist.ts";
 * const ds = await loadFashionMnist();
 * ds.classNames[9]; // "Ankle boot"
 * ```
 */
export async function loadFashionMnist(
  options: LoadOptions = {},
): Promise<Dataset> {
  const dir = options.dataDir ?? FASHION_DEFAULT_DIR;
  let data;
  try {
    data = await loadIdxDir(dir, {
      name: "Fashion-MNIST",
      height: 28,
      width: 28,
      numClasses: 10,
      md5: KNOWN_MD5.fashion,
    }, options);
  } catch (e) {
    if (
      options.dataDir === undefined && e instanceof Error &&
      e.message === `${dir}: Fashion-MNIST data directory not found`
    ) {
      throw new Error(
        `${dir}: Fashion-MNIST data directory not found (install the Debian package dataset-fashion-mnist, or pass --data-dir with the official IDX files)`,
      );
    }
    throw e;
  }
  return {
    id: "fashion",
    height: 28,
    width: 28,
    channels: 1,
    numClasses: 10,
    classNames: [...FASHION_CLASS_NAMES],
    source: dir,
    ...data,
  };
}
