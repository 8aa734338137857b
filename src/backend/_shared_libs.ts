/**
 * Finds shared libraries the way the Linux dynamic loader would, without
 * loading them: `LD_LIBRARY_PATH`, the `/etc/ld.so.cache` that `ldconfig -p`
 * prints, then the default directories.
 *
 * @module
 */
import { exists, granted, readEnv } from "./_permissions.ts";

const DEFAULT_DIRS = ["/lib", "/usr/lib", "/lib64", "/usr/lib64"];
let cache: string | null | undefined;

function ldCache(): string | null {
  if (cache !== undefined) return cache;
  cache = null;
  const path = "/etc/ld.so.cache";
  if (granted({ name: "read", path })) {
    try {
      // The cache stores library names as NUL-terminated strings.
      cache = new TextDecoder("latin1").decode(Deno.readFileSync(path));
    } catch {
      cache = null;
    }
  }
  return cache;
}

/**
 * Whether the dynamic loader would find a library by its soname.
 *
 * @param soname e.g. "libcudart.so.11.0".
 * @returns `true` when found in LD_LIBRARY_PATH, the loader cache or a default directory.
 */
export function hasSharedLibrary(soname: string): boolean {
  const ld = readEnv("LD_LIBRARY_PATH");
  const dirs = [
    ...(ld ? ld.split(":").filter((d) => d !== "") : []),
    ...DEFAULT_DIRS,
  ];
  if (dirs.some((d) => exists(`${d}/${soname}`))) return true;
  const c = ldCache();
  return c !== null && c.includes(`\0${soname}\0`) ||
    c !== null && c.includes(`/${soname}\0`);
}

/**
 * The sonames in the loader cache that start with a prefix (to say what *is* installed).
 *
 * @param prefix e.g. "libcudart.so.".
 * @returns Matching sonames, sorted, without duplicates.
 */
export function findSharedLibraries(prefix: string): string[] {
  const c = ldCache();
  if (c === null) return [];
  const found = new Set<string>();
  for (const s of c.split("\0")) {
    const base = s.slice(s.lastIndexOf("/") + 1);
    if (base.startsWith(prefix)) found.add(base);
  }
  return [...found].sort();
}
