/**
 * Permission-aware helpers: every probe in the backend area asks Deno first,
 * so a missing `--allow-*` flag turns into a reason string, never a prompt or
 * a crash.
 *
 * @module
 */

/**
 * Whether a permission is granted right now (never prompts).
 *
 * @param desc The permission to query.
 * @returns `true` only when the state is "granted".
 */
export function granted(desc: Deno.PermissionDescriptor): boolean {
  try {
    return Deno.permissions.querySync(desc).state === "granted";
  } catch {
    return false;
  }
}

/**
 * Reads an environment variable if `--allow-env` permits it.
 *
 * @param name The variable name.
 * @returns Its value, or `undefined` when unset or not permitted.
 */
export function readEnv(name: string): string | undefined {
  if (!granted({ name: "env", variable: name })) return undefined;
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

/**
 * Whether a path exists, if `--allow-read` permits looking.
 *
 * @param path The file or directory.
 * @returns `true` when it exists and is readable to `stat`.
 */
export function exists(path: string): boolean {
  if (!granted({ name: "read", path })) return false;
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads a text file if permitted.
 *
 * @param path The file.
 * @returns Its contents, or `undefined` when missing or not permitted.
 */
export function readText(path: string): string | undefined {
  if (!granted({ name: "read", path })) return undefined;
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Lists a directory's entry names if permitted.
 *
 * @param path The directory.
 * @returns The names, or `[]` when missing or not permitted.
 */
export function listDir(path: string): string[] {
  if (!granted({ name: "read", path })) return [];
  try {
    return [...Deno.readDirSync(path)].map((e) => e.name);
  } catch {
    return [];
  }
}
