/**
 * Child processes of a parallel run: each runs a Deno program (the CLI) with
 * this process's permissions, and ends when this process ends.
 *
 * A child learns that its parent died because its stdin, a pipe whose only
 * writer is the parent, reaches end of file; it then exits at its next turn
 * of the event loop (an evaluation's file writes at the latest), so no
 * orphan trains on. Losing the cell's steps since its last checkpoint is the
 * same as being killed, which resume handles.
 *
 * @module
 */
import { fileURLToPath } from "node:url";

/** Set to `1` in the environment of every child process. */
export const CHILD_ENV = "GANBENCH_JOB";

/**
 * Whether this process is a child of a parallel run.
 *
 * @returns True when {@linkcode CHILD_ENV} is `1`.
 * @example
 * ```ts
 * import { isChildProcess } from "./child_process.ts";
 * const quiet: boolean = isChildProcess();
 * ```
 */
export function isChildProcess(): boolean {
  return Deno.env.get(CHILD_ENV) === "1";
}

/**
 * In a child process: exits (code 143) when the parent's end of stdin
 * closes, i.e. when the parent ended, even by SIGKILL.
 */
export function exitWhenParentDies(): void {
  (async () => {
    try {
      for await (const _ of Deno.stdin.readable) {
        // The parent never writes; this only waits for end of file.
      }
    } catch {
      // A read error means the parent is gone as well.
    }
    Deno.exit(143);
  })();
}

/** Options of {@linkcode runChildProcess}. */
export interface ChildProcessOptions {
  /** The Deno program to run. */
  script: URL;
  /** Its arguments. */
  args: string[];
  /** Paths it may read, where this process's reads are scoped. */
  readPaths: string[];
  /** Paths it may write, where this process's writes are scoped. */
  writePaths: string[];
}

/**
 * Runs a Deno program in a child process with this process's global
 * permissions (read and write scoped to the given paths where this
 * process's are scoped) and the project's `deno.json`. Its stdout is
 * dropped, its stderr passes through.
 *
 * @param options The program, its arguments and the paths it may use.
 * @returns The child's exit code.
 * @example
 * ```ts
 * import { runChildProcess } from "./child_process.ts";
 * const code = await runChildProcess({
 *   script: new URL("../cli/main.ts", import.meta.url),
 *   args: ["doctor"],
 *   readPaths: ["."],
 *   writePaths: [".cache"],
 * });
 * ```
 */
export async function runChildProcess(
  options: ChildProcessOptions,
): Promise<number> {
  const config = new URL("../../deno.json", import.meta.url);
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      `--config=${fileURLToPath(config)}`,
      ...permissionFlags(options.readPaths, options.writePaths),
      fileURLToPath(options.script),
      ...options.args,
    ],
    env: { [CHILD_ENV]: "1" },
    stdin: "piped",
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  const { code } = await child.status;
  await child.stdin.close().catch(() => {});
  return code;
}

/** This process's permissions as `deno run` flags (read/write scoped). */
function permissionFlags(readPaths: string[], writePaths: string[]): string[] {
  const flags: string[] = [];
  for (
    const [name, paths] of [["read", readPaths], ["write", writePaths]] as const
  ) {
    flags.push(
      Deno.permissions.querySync({ name }).state === "granted"
        ? `--allow-${name}`
        : `--allow-${name}=${paths.join(",")}`,
    );
  }
  for (const name of ["env", "sys", "ffi", "run", "net"] as const) {
    if (Deno.permissions.querySync({ name }).state === "granted") {
      flags.push(`--allow-${name}`);
    }
  }
  return flags;
}
