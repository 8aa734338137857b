/**
 * Private file helpers of the data layer: existence checks and reads that
 * fail with one-line errors naming the path.
 *
 * @module
 */
import { join } from "node:path";
import { errorText } from "../util/errors.ts";

// Kept for the data registry's import; new code imports src/util/errors.ts.
export { errorText };

/**
 * Throws unless `dir` is an existing directory.
 *
 * @param dir The directory.
 * @param what What the directory is for, e.g. `MNIST data directory`.
 */
export async function requireDir(dir: string, what: string): Promise<void> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(dir);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new Error(`${dir}: ${what} not found`);
    }
    throw new Error(`${dir}: cannot access ${what} (${errorText(e)})`);
  }
  if (!info.isDirectory) throw new Error(`${dir}: ${what} is not a directory`);
}

/**
 * The first of `names` that exists as a file in `dir`.
 *
 * @param dir The directory.
 * @param names Candidate file names, preferred first.
 * @returns The path, or `undefined`.
 */
export async function findFile(
  dir: string,
  names: string[],
): Promise<string | undefined> {
  for (const name of names) {
    const path = join(dir, name);
    try {
      if ((await Deno.stat(path)).isFile) return path;
    } catch {
      // try the next name
    }
  }
  return undefined;
}

/**
 * Reads a file, failing with one line naming it.
 *
 * @param path The file.
 * @returns Its bytes.
 */
export async function readFileOrThrow(path: string): Promise<Uint8Array> {
  try {
    return await Deno.readFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new Error(`${path}: file not found`);
    }
    throw new Error(`${path}: cannot read (${errorText(e)})`);
  }
}

/**
 * Whether a path exists (no throw).
 *
 * @param path The path.
 * @returns True when `stat` succeeds.
 */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}
