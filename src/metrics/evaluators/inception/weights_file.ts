/**
 * Finds pytorch-fid's Inception weight file (`pt_inception-2015-12-05-6726825d.pth`),
 * downloading it once into the cache when it is absent.
 *
 * Where it looks, in order: an explicit path, the `GANBENCH_INCEPTION_WEIGHTS`
 * environment variable, the cache (`.cache/ganbench/inception/`). A download
 * streams into a temporary file in the cache directory, hashing as it goes,
 * and is renamed into place only when complete and of the expected SHA-256,
 * so an interrupted or corrupt transfer never leaves a file in the cache.
 * SHA-256s are remembered in the data package's checksum cache (keyed by
 * path, size and mtime), so the 95 MB file is hashed once, not every run.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { basename, dirname, join } from "node:path";
import { ChecksumCache } from "../../../data/checksum.ts";
import { DEFAULT_CACHE_DIR } from "../../../data/types.ts";
import { errorText } from "../../../util/errors.ts";

/** The file name pytorch-fid publishes (its suffix is the SHA-256's first 8 hex). */
export const INCEPTION_WEIGHTS_FILE_NAME =
  "pt_inception-2015-12-05-6726825d.pth";

/** pytorch-fid's release address of the weight file. */
export const INCEPTION_WEIGHTS_URL =
  "https://github.com/mseitzer/pytorch-fid/releases/download/fid_weights/pt_inception-2015-12-05-6726825d.pth";

/**
 * SHA-256 of the weight file (95,628,359 bytes). Not computed here (this
 * machine cannot fetch the file): it is the value that several independent
 * projects pin for this file, and it agrees with the `6726825d` prefix that
 * the file name carries.
 */
export const INCEPTION_WEIGHTS_SHA256 =
  "6726825d0af5f729cebd5821db510b11b1cfad8faad88a03f1befd49fb9129b2";

/** The environment variable that may name the weight file. */
export const INCEPTION_WEIGHTS_ENV = "GANBENCH_INCEPTION_WEIGHTS";

/** Where a weight file was found. */
export type WeightsSource = "argument" | "env" | "cache" | "download";

/** The weight file in use. */
export interface InceptionWeightsFile {
  /** Its path. */
  path: string;
  /** How it was found. */
  source: WeightsSource;
  /** Its SHA-256 (lower-case hex), for evaluator ids and cache keys. */
  sha256: string;
}

/** Options of {@linkcode findInceptionWeights}. */
export interface FindInceptionWeightsOptions {
  /** An explicit weight file; wins over everything else. */
  path?: string;
  /** The cache root (default `.cache/ganbench`); the file goes in `inception/`. */
  cacheDir?: string;
  /** Reads an environment variable (default `Deno.env.get`, undefined without permission). */
  env?: (name: string) => string | undefined;
  /** Download address (default {@linkcode INCEPTION_WEIGHTS_URL}). */
  url?: string;
  /** Expected SHA-256 of the cached or downloaded file, full or a prefix of at least 8 hex digits. */
  sha256?: string;
  /** Receives progress lines (default: written to stderr). */
  log?: (line: string) => void;
  /** Least time between two progress lines, in ms (default 500). */
  progressIntervalMs?: number;
}

/**
 * The cache path of the weight file.
 *
 * @param cacheDir The cache root (default `.cache/ganbench`).
 * @returns `<cacheDir>/inception/pt_inception-2015-12-05-6726825d.pth`.
 * @example
 * ```ts
 * import { inceptionWeightsCachePath } from "./weights_file.ts";
 * inceptionWeightsCachePath(); // ".cache/ganbench/inception/pt_inception-2015-12-05-6726825d.pth"
 * ```
 */
export function inceptionWeightsCachePath(
  cacheDir: string = DEFAULT_CACHE_DIR,
): string {
  return join(cacheDir, "inception", INCEPTION_WEIGHTS_FILE_NAME);
}

/**
 * Finds the Inception weight file: `options.path`, else the file named by
 * `GANBENCH_INCEPTION_WEIGHTS`, else the cached copy, else downloads it into
 * the cache (once; later calls find the cached copy). A cached or downloaded
 * file must have the expected SHA-256; a file given by path or environment
 * variable is taken as it is, and its SHA-256 returned.
 *
 * @param options Where to look, what to expect, where to report progress.
 * @returns The file's path, how it was found and its SHA-256.
 * @throws {Error} One line: a given file that does not exist, a cached or
 *   downloaded file of the wrong SHA-256, an interrupted download, or no
 *   network (saying where to put the file).
 * @example
 * ```ts ignore
 * import { findInceptionWeights } from "./weights_file.ts";
 * const { path, sha256 } = await findInceptionWeights();
 * ```
 */
export async function findInceptionWeights(
  options: FindInceptionWeightsOptions = {},
): Promise<InceptionWeightsFile> {
  const cacheDir = options.cacheDir ?? DEFAULT_CACHE_DIR;
  const hashes = new ChecksumCache(cacheDir);
  const expected = expectedHash(options.sha256 ?? INCEPTION_WEIGHTS_SHA256);
  if (options.path !== undefined) {
    await mustExist(
      options.path,
      `${options.path}: no such Inception weight file`,
    );
    return await found(options.path, "argument", hashes);
  }
  const fromEnv = (options.env ?? readEnv)(INCEPTION_WEIGHTS_ENV);
  if (fromEnv) {
    await mustExist(
      fromEnv,
      `${INCEPTION_WEIGHTS_ENV}=${fromEnv}: no such file`,
    );
    return await found(fromEnv, "env", hashes);
  }
  const cached = inceptionWeightsCachePath(cacheDir);
  if (await exists(cached)) {
    const file = await found(cached, "cache", hashes);
    if (!file.sha256.startsWith(expected)) {
      throw new Error(
        `${cached}: sha256 ${file.sha256} is not the expected ${expected}; delete it to download it again`,
      );
    }
    return file;
  }
  const sha256 = await downloadVerified(
    options.url ?? INCEPTION_WEIGHTS_URL,
    cached,
    {
      sha256: expected,
      log: options.log ?? writeStderrLine,
      progressIntervalMs: options.progressIntervalMs ?? 500,
    },
  );
  await hashes.set(cached, sha256, "sha256");
  await hashes.flush();
  return { path: cached, source: "download", sha256 };
}

/**
 * The SHA-256 of a file, read in a stream (the whole file is never in memory).
 *
 * @param path The file.
 * @returns Lower-case hex.
 * @throws {Error} When the file cannot be read.
 * @example
 * ```ts
 * import { sha256File } from "./weights_file.ts";
 * const hex = await sha256File("deno.json");
 * ```
 */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  using file = await Deno.open(path, { read: true });
  for await (const chunk of file.readable) hash.update(chunk);
  return hash.digest("hex");
}

function expectedHash(sha256: string): string {
  const hex = sha256.toLowerCase();
  if (!/^[0-9a-f]{8,64}$/.test(hex)) {
    throw new Error(`expected sha256 "${sha256}" is not 8 to 64 hex digits`);
  }
  return hex;
}

function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined; // no --allow-env: as if unset
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

async function mustExist(path: string, message: string): Promise<void> {
  if (!(await exists(path))) throw new Error(message);
}

async function found(
  path: string,
  source: WeightsSource,
  hashes: ChecksumCache,
): Promise<InceptionWeightsFile> {
  let sha256 = await hashes.get(path, "sha256");
  if (!sha256) {
    sha256 = await sha256File(path);
    await hashes.set(path, sha256, "sha256");
    await hashes.flush();
  }
  return { path, source, sha256 };
}

function writeStderrLine(line: string): void {
  Deno.stderr.writeSync(new TextEncoder().encode(line + "\n"));
}

function whereToPut(dest: string): string {
  return `put ${
    basename(dest)
  } at ${dest} or set ${INCEPTION_WEIGHTS_ENV} to its path`;
}

// fetch's TypeError says only "fetch failed"; its cause says why
function withCause(e: unknown): string {
  const cause = e instanceof Error && e.cause ? `: ${errorText(e.cause)}` : "";
  return errorText(e) + cause;
}

function megabytes(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

/**
 * Downloads `url` to `dest`: streams into a temporary file beside `dest`,
 * hashing as it goes, and renames it into place only when all bytes arrived
 * and the SHA-256 starts with `options.sha256`. On any failure the temporary
 * file is removed and nothing is left at `dest`.
 *
 * @param url The address.
 * @param dest The final path (its directory is created).
 * @param options `sha256`: expected lower-case hex (full or prefix); `log`:
 *   receives progress lines, at most one per `progressIntervalMs`.
 * @returns The SHA-256 of the downloaded file.
 * @throws {Error} One line: no network (with where to put the file), an HTTP
 *   error, an interrupted transfer, or the wrong SHA-256.
 * @example
 * ```ts ignore
 * import { downloadVerified } from "./weights_file.ts";
 * await downloadVerified("http://127.0.0.1:8000/w.pth", "/tmp/w.pth", {
 *   sha256: "6726825d",
 *   log: console.error,
 *   progressIntervalMs: 500,
 * });
 * ```
 */
export async function downloadVerified(
  url: string,
  dest: string,
  options: {
    sha256: string;
    log: (line: string) => void;
    progressIntervalMs: number;
  },
): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new Error(
      `cannot download ${url} (${withCause(e)}); ${whereToPut(dest)}`,
    );
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new Error(
      `cannot download ${url} (HTTP ${response.status}); ${whereToPut(dest)}`,
    );
  }
  const length = Number(response.headers.get("content-length"));
  const total = Number.isFinite(length) && length > 0 ? length : undefined;
  const of = total === undefined ? "" : ` of ${megabytes(total)} MB`;
  await Deno.mkdir(dirname(dest), { recursive: true });
  const tmp = `${dest}.${Deno.pid}.${crypto.randomUUID().slice(0, 8)}.part`;
  const file = await Deno.open(tmp, { write: true, createNew: true });
  let closed = false;
  let renamed = false;
  try {
    options.log(`downloading ${url}${of} to ${dest}`);
    const hash = createHash("sha256");
    let received = 0;
    let lastLog = Date.now();
    const progress = () =>
      `downloaded ${megabytes(received)}${of || " MB"}` +
      (total ? ` (${((100 * received) / total).toFixed(0)}%)` : "");
    try {
      for await (const chunk of response.body) {
        hash.update(chunk);
        for (let n = 0; n < chunk.length;) {
          n += await file.write(chunk.subarray(n));
        }
        received += chunk.length;
        if (Date.now() - lastLog >= options.progressIntervalMs) {
          lastLog = Date.now();
          options.log(progress());
        }
      }
    } catch (e) {
      throw new Error(
        `download of ${url} interrupted after ${received}${
          total ? ` of ${total}` : ""
        } bytes (${errorText(e)}); nothing was cached`,
      );
    }
    if (total !== undefined && received !== total) {
      throw new Error(
        `download of ${url} interrupted after ${received} of ${total} bytes; nothing was cached`,
      );
    }
    file.close();
    closed = true;
    const sha256 = hash.digest("hex");
    if (!sha256.startsWith(options.sha256)) {
      throw new Error(
        `download of ${url} has sha256 ${sha256}, expected ${options.sha256}; removed it`,
      );
    }
    await Deno.rename(tmp, dest);
    renamed = true;
    options.log(`${progress()}, sha256 verified: ${dest}`);
    return sha256;
  } finally {
    if (!closed) file.close();
    if (!renamed) await Deno.remove(tmp).catch(() => {});
  }
}
