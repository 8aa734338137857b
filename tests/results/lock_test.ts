/**
 * The results directory lock: one holder at a time, a one-line refusal
 * naming the holder, release on demand, and takeover of a lock whose
 * holder was killed.
 */
import { join } from "node:path";
import { assert } from "../_assert.ts";
import { acquireRunLock } from "../../src/results/lock.ts";

const LOCK_URL = new URL("../../src/results/lock.ts", import.meta.url).href;

Deno.test("acquireRunLock: a second holder is refused, naming the first; release frees it", async () => {
  const dir = await Deno.makeTempDir();
  const lock = acquireRunLock(dir);
  const record = JSON.parse(await Deno.readTextFile(join(dir, "run.lock")));
  assert.equal(record.pid, Deno.pid);
  assert.equal(record.host, Deno.hostname());
  assert.ok(!Number.isNaN(Date.parse(record.started)));
  assert.throws(
    () => acquireRunLock(dir),
    (e: Error) =>
      !e.message.includes("\n") &&
      e.message.includes(
        `${
          join(dir, "run.lock")
        }: the results directory is in use by process ${Deno.pid} on ${Deno.hostname()} since ${record.started}`,
      ),
  );
  lock.release();
  lock.release(); // idempotent
  await assert.rejects(
    () => Deno.stat(join(dir, "run.lock")),
    Deno.errors.NotFound,
  );
  acquireRunLock(dir).release();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("acquireRunLock: a lock held by a live process is refused; once it is killed, it is stale and taken over", async () => {
  const dir = await Deno.makeTempDir();
  const holder = new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `import { acquireRunLock } from "${LOCK_URL}";
       acquireRunLock(${JSON.stringify(dir)});
       console.log("held");
       await new Promise((r) => setTimeout(r, 60_000));`,
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = holder.stdout.getReader();
  assert.equal(
    new TextDecoder().decode((await reader.read()).value).trim(),
    "held",
  );
  try {
    assert.throws(
      () => acquireRunLock(dir),
      new RegExp(`in use by process ${holder.pid} on `),
    );
  } finally {
    holder.kill("SIGKILL");
    await holder.status;
    reader.releaseLock();
    await holder.stdout.cancel();
  }
  // The file is still there, but its holder is gone.
  const left = JSON.parse(await Deno.readTextFile(join(dir, "run.lock")));
  assert.equal(left.pid, holder.pid);
  const lock = acquireRunLock(dir);
  assert.equal(lock.holder.pid, Deno.pid);
  lock.release();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("acquireRunLock: a lock file from another host is never taken over", async () => {
  const dir = await Deno.makeTempDir();
  const other = {
    pid: 1,
    host: "some-other-host",
    started: "2026-01-01T00:00:00.000Z",
  };
  await Deno.writeTextFile(join(dir, "run.lock"), JSON.stringify(other));
  assert.throws(
    () => acquireRunLock(dir),
    /in use by process 1 on some-other-host since 2026-01-01T00:00:00\.000Z.*delete .*run\.lock only if that process is gone/,
  );
  await Deno.remove(dir, { recursive: true });
});
