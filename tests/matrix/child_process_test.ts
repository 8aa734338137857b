/**
 * A child process of `--jobs` never gets more than its parent: writes to
 * exactly the paths it is given (each one the parent may write), and no
 * blanket `--allow-run` / `--allow-ffi`.
 */
import { assert } from "../_assert.ts";
import { childPermissionFlags } from "../../src/matrix/child_process.ts";

Deno.test("childPermissionFlags: writes exactly the given paths, run and ffi narrowed", () => {
  // This test process has --allow-run (unscoped) and write to /tmp.
  const flags = childPermissionFlags(["."], ["/tmp/out/jobs/c", ".cache"]);
  assert.ok(
    flags.includes("--allow-write=/tmp/out/jobs/c,.cache"),
    flags.join(" "),
  );
  assert.ok(!flags.includes("--allow-write"), "no blanket write");
  assert.ok(!flags.includes("--allow-run"), "no blanket run");
  assert.ok(!flags.includes("--allow-ffi"), "no blanket ffi");
  assert.ok(flags.includes("--allow-run=nvidia-smi"), flags.join(" "));
});

Deno.test("childPermissionFlags: a path the parent may not write is refused, in one line", () => {
  assert.throws(
    () => childPermissionFlags(["."], ["/etc/ganbench-out"]),
    /^Error: \/etc\/ganbench-out: this process may not write there, so its child process may not either$/,
  );
});
