/**
 * The lock of a results directory: one process writes a directory at a
 * time. The lock is `<dir>/run.lock`, created atomically (`createNew`) and
 * holding the holder's pid, host and start time; the holder also keeps an
 * exclusive `flock` on it for as long as it lives, which the system drops
 * when the process ends, however it ends.
 *
 * A lock file left behind by a process that is gone (killed, or a crash
 * before {@linkcode RunLock.release}) is stale: on the same host its
 * `flock` is free, and the next runner removes it and takes the lock. A
 * lock from another host (a shared file system) is never taken over.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { acquireRunLock } from "./lock.ts";
 * const dir = await Deno.makeTempDir();
 * const lock = acquireRunLock(dir);
 * assert.throws(() => acquireRunLock(dir), /is in use by process/);
 * lock.release();
 * acquireRunLock(dir).release(); // free again
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { InputError } from "../util/errors.ts";
import { lockPath } from "./layout.ts";
import { parseJsonText } from "../util/json.ts";

/** Who holds a lock, as its file records it. */
export interface LockHolder {
  /** The holder's process id. */
  pid: number;
  /** The holder's host name. */
  host: string;
  /** When it took the lock (ISO 8601). */
  started: string;
}

/** A held lock; {@linkcode RunLock.release} gives it up. */
export interface RunLock {
  /** The lock file. */
  readonly path: string;
  /** What the lock file records. */
  readonly holder: LockHolder;
  /** Removes the lock file and drops the `flock` (idempotent). */
  release(): void;
}

/** This host's name, or `unknown` where it may not be read. */
function hostName(): string {
  try {
    return Deno.hostname();
  } catch {
    return "unknown";
  }
}

/**
 * Takes the lock of a results directory (created when missing).
 *
 * @param dir The results directory.
 * @returns The held lock; release it when the run ends, also on errors.
 * @throws Error One line naming the lock file and its holder when another
 *   live process holds it (or one on another host, or one still writing
 *   it).
 * @example
 * ```ts
 * import { acquireRunLock } from "./lock.ts";
 * const dir = await Deno.makeTempDir();
 * const lock = acquireRunLock(dir);
 * try {
 *   // … write the results …
 * } finally {
 *   lock.release();
 * }
 * ```
 */
export function acquireRunLock(dir: string): RunLock {
  Deno.mkdirSync(dir, { recursive: true });
  const path = lockPath(dir);
  // A few rounds: a stale file removed here may be re-created by a racer.
  for (let round = 0; round < 3; round++) {
    let file: Deno.FsFile;
    try {
      file = Deno.openSync(path, { createNew: true, write: true, read: true });
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
      if (removedStale(path)) continue;
      throw new InputError(heldMessage(path));
    }
    // Locked before its content is written: a readable holder record means
    // its flock was taken, so a free flock then means the holder is gone.
    file.lockSync(true);
    const holder: LockHolder = {
      pid: Deno.pid,
      host: hostName(),
      started: new Date().toISOString(),
    };
    file.writeSync(new TextEncoder().encode(`${JSON.stringify(holder)}\n`));
    let released = false;
    return {
      path,
      holder,
      release() {
        if (released) return;
        released = true;
        try {
          Deno.removeSync(path);
        } catch { /* removed by hand already */ }
        file.close();
      },
    };
  }
  throw new InputError(heldMessage(path));
}

/** The holder recorded in a lock file, or undefined while unreadable. */
function readHolder(path: string): LockHolder | undefined {
  try {
    const json = parseJsonText(Deno.readTextFileSync(path), path) as
      | Partial<LockHolder>
      | null;
    if (
      typeof json?.pid === "number" && typeof json.host === "string" &&
      typeof json.started === "string"
    ) {
      return json as LockHolder;
    }
  } catch { /* being written, or damaged */ }
  return undefined;
}

/**
 * Removes the lock file when its holder is gone: recorded on this host and
 * its flock free. Returns whether it did.
 */
function removedStale(path: string): boolean {
  const holder = readHolder(path);
  if (!holder || holder.host !== hostName()) return false;
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(path, { read: true, write: true });
  } catch (error) {
    // Released between our two looks: try again.
    return error instanceof Deno.errors.NotFound;
  }
  try {
    if (!file.tryLockSync(true)) return false;
    // Still the same file (not one a racer made after removing it)?
    const now = Deno.statSync(path);
    if (now.ino !== file.statSync().ino) return false;
    Deno.removeSync(path);
    return true;
  } catch (error) {
    return error instanceof Deno.errors.NotFound;
  } finally {
    file.close();
  }
}

/** The one-line refusal, naming the holder when the file says who. */
function heldMessage(path: string): string {
  const holder = readHolder(path);
  const who = holder
    ? `process ${holder.pid} on ${holder.host} since ${holder.started}`
    : "another process (it is still writing the lock file)";
  return `${path}: the results directory is in use by ${who}; wait for it to end, or write to another directory (delete ${path} only if that process is gone)`;
}
