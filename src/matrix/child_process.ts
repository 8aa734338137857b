/**
 * Child processes of a parallel run: each runs a Deno program (the CLI) with
 * no more than this process's permissions — write access to exactly the
 * paths it is given (each of which this process may write), and of the
 * programs and native libraries this process may use only those a cell
 * needs (`nvidia-smi` for device names, the native backends under
 * `node_modules`) — and ends when this process ends.
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
import { resolve } from "node:path";

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
  /** Paths it may write (exactly these; this process must be allowed to write each). */
  writePaths: string[];
}

/**
 * Runs a Deno program in a child process with the permissions of
 * {@linkcode childPermissionFlags} and the project's `deno.json`. Its
 * stdout is dropped, its stderr passes through.
 *
 * @param options The program, its arguments and the paths it may use.
 * @returns The child's exit code.
 * @throws Error When this process may not write one of `writePaths`.
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
      ...childPermissionFlags(options.readPaths, options.writePaths),
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

/** Programs a cell may run: device names come from `nvidia-smi`. */
const CHILD_PROGRAMS = ["nvidia-smi"];

/**
 * The `deno run` permission flags of a child: reads as this process's
 * (everything, or `readPaths`), writes to exactly `writePaths`, env, sys
 * and net as granted here, `--allow-run` only for the programs a cell runs
 * and `--allow-ffi` only for the project's `node_modules` (the optional
 * native backends), each only where this process has it.
 *
 * @param readPaths Paths the child reads, where this process's reads are
 *   scoped.
 * @param writePaths Paths the child writes.
 * @returns The flags.
 * @throws Error One line naming the path when this process may not write
 *   one of `writePaths` (a child never gets more than its parent).
 * @example
 * ```ts
 * import { childPermissionFlags } from "./child_process.ts";
 * const flags = childPermissionFlags(["."], ["results/quick/jobs/a"]);
 * console.log(flags.join(" "));
 * ```
 */
export function childPermissionFlags(
  readPaths: readonly string[],
  writePaths: readonly string[],
): string[] {
  const state = (desc: Deno.PermissionDescriptor) =>
    Deno.permissions.querySync(desc).state === "granted";
  for (const path of writePaths) {
    if (!state({ name: "write", path })) {
      throw new Error(
        `${path}: this process may not write there, so its child process may not either`,
      );
    }
  }
  const flags = [
    state({ name: "read" })
      ? "--allow-read"
      : `--allow-read=${readPaths.join(",")}`,
    `--allow-write=${writePaths.join(",")}`,
  ];
  for (const name of ["env", "sys", "net"] as const) {
    if (state({ name })) flags.push(`--allow-${name}`);
  }
  const programs = CHILD_PROGRAMS.filter((command) =>
    state({ name: "run", command })
  );
  if (programs.length > 0) flags.push(`--allow-run=${programs.join(",")}`);
  const libraries = [
    fileURLToPath(new URL("../../node_modules", import.meta.url)),
    resolve("node_modules"),
  ].filter((path, i, all) =>
    all.indexOf(path) === i && state({ name: "ffi", path })
  );
  if (libraries.length > 0) flags.push(`--allow-ffi=${libraries.join(",")}`);
  return flags;
}
