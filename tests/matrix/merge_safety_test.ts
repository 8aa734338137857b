/**
 * Issue 17, item 3: shard artifacts are untrusted input. A cell id read from
 * a shard's metrics.csv, summary.csv or manifest.json that is not a cell id
 * (`../../../victim`, `a/b`, `a\b`, `..`, an absolute path, empty) is
 * refused with one line naming the file and the id, before anything is
 * written, and the merge never touches paths outside `--out`.
 */
import { join } from "node:path";
import { assert } from "../_assert.ts";
import { mergeRuns } from "../../src/matrix/merge.ts";
import { MergeInputError } from "../../src/matrix/merge_checks.ts";
import { type Manifest, newManifest } from "../../src/results/manifest.ts";
import { writeManifest } from "../../src/results/manifest.ts";
import { writeCsvFile } from "../../src/results/csv.ts";
import { writePng } from "../../src/results/png.ts";
import { main } from "../../src/cli/main.ts";
import { tinySpec } from "./_helpers.ts";

const GOOD = "mnist-mlp-ns-s0";

/** A one-cell shard whose rows (or manifest) name the cell `id`. */
async function shard(
  dir: string,
  id: string,
  where: "metrics" | "summary" | "manifest",
): Promise<void> {
  const manifest: Manifest = newManifest(tinySpec());
  manifest.cells[GOOD] = { status: "finished", step: 10 };
  if (where === "manifest") manifest.cells[id] = { status: "finished" };
  await writeManifest(dir, manifest);
  writeCsvFile(join(dir, "metrics.csv"), ["cell", "step", "fid"], [
    [GOOD, 10, 1],
    ...(where === "metrics" ? [[id, 10, 2]] : []),
  ]);
  writeCsvFile(join(dir, "summary.csv"), ["cell", "status", "fid"], [
    [GOOD, "finished", 1],
    ...(where === "summary" ? [[id, "finished", 2]] : []),
  ]);
  await writePng(join(dir, "grids", GOOD, "10.png"), {
    pixels: new Uint8Array(16).fill(7),
    width: 4,
    height: 4,
    channels: 1,
  });
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

Deno.test("merge: a cell id '../../../victim' in a shard is refused; nothing outside --out is touched", async () => {
  const root = await Deno.makeTempDir({ prefix: "ganbench-merge-safety-" });
  try {
    // The victim sits where out/grids/../../../victim points; the attacker's
    // files where shard/grids/../../../victim points.
    const victim = join(root, "victim");
    await Deno.mkdir(victim);
    await Deno.writeTextFile(join(victim, "keep.txt"), "precious");
    const evil = join(root, "artifacts", "victim");
    await Deno.mkdir(evil, { recursive: true });
    await Deno.writeTextFile(join(evil, "evil.txt"), "x");
    const s = join(root, "artifacts", "s1", "shard");
    const out = join(root, "o", "out");
    for (const where of ["metrics", "summary", "manifest"] as const) {
      await Deno.remove(s, { recursive: true }).catch(() => {});
      await shard(s, "../../../victim", where);
      const file = where === "manifest" ? "manifest.json" : `${where}.csv`;
      await assert.rejects(mergeRuns([s], out), (e: Error) => {
        assert.ok(e instanceof MergeInputError, e.message);
        assert.equal(
          e.message,
          `cannot merge: ${
            join(s, file)
          }: cell id "../../../victim" is not a cell id (letters, digits, _ . - only)`,
        );
        return true;
      });
      assert.equal(
        await Deno.readTextFile(join(victim, "keep.txt")),
        "precious",
      );
      assert.equal(await exists(join(victim, "evil.txt")), false);
      assert.equal(await exists(out), false, "nothing written");
    }
    // The CLI: one line, exit 2 (bad input).
    await Deno.remove(s, { recursive: true });
    await shard(s, "../../../victim", "metrics");
    assert.equal(await main(["merge", s, "--out", out]), 2);
    assert.equal(await exists(join(victim, "keep.txt")), true);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("merge: ids with / \\ .. absolute or empty are all refused, naming file and id", async () => {
  const root = await Deno.makeTempDir({ prefix: "ganbench-merge-safety-" });
  try {
    const bad = ["a/b", "a\\b", "..", ".", "/etc", "", "-x", "a\nb", "../x"];
    for (const [i, id] of bad.entries()) {
      const s = join(root, `s${i}`);
      await shard(s, id, "metrics");
      await assert.rejects(
        mergeRuns([s], join(root, "out")),
        (e: Error) => {
          assert.ok(e instanceof MergeInputError);
          assert.ok(
            e.message.includes(
              `${join(s, "metrics.csv")}: cell id ${
                JSON.stringify(id)
              } is not a cell id`,
            ),
            e.message,
          );
          assert.equal(e.message.includes("\n"), false, "one line");
          return true;
        },
      );
    }
    assert.equal(await exists(join(root, "out")), false);
    // A valid shard still merges.
    const ok = join(root, "ok");
    await shard(ok, GOOD, "metrics");
    const result = await mergeRuns([ok], join(root, "out"));
    assert.equal(result.counts.finished, 1);
    assert.equal(
      await exists(join(root, "out", "grids", GOOD, "10.png")),
      true,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("merge: a shard's grids/<cell> that is a symbolic link is refused, not followed", async () => {
  const root = await Deno.makeTempDir({ prefix: "ganbench-merge-safety-" });
  try {
    const secret = join(root, "secret");
    await Deno.mkdir(secret);
    await Deno.writeTextFile(join(secret, "key.txt"), "secret");
    const s = join(root, "s");
    await shard(s, GOOD, "metrics");
    await Deno.remove(join(s, "grids", GOOD), { recursive: true });
    // `ln`: Deno.symlink needs unscoped read and write permissions.
    const ln = await new Deno.Command("ln", {
      args: ["-s", secret, join(s, "grids", GOOD)],
    }).output();
    assert.ok(ln.success);
    const out = join(root, "out");
    await assert.rejects(mergeRuns([s], out), (e: Error) => {
      assert.ok(e instanceof MergeInputError);
      assert.match(e.message, /grids\/mnist-mlp-ns-s0: not a directory inside/);
      return true;
    });
    assert.equal(await exists(join(out, "grids", GOOD, "key.txt")), false);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("merge CLI: damaged shard files are bad input (exit 2), nothing written", async () => {
  const root = await Deno.makeTempDir({ prefix: "ganbench-merge-safety-" });
  try {
    const s = join(root, "s");
    await shard(s, GOOD, "metrics");
    await Deno.writeTextFile(join(s, "manifest.json"), "{");
    const out = join(root, "out");
    await assert.rejects(
      mergeRuns([s], out),
      (e: Error) =>
        e instanceof MergeInputError && /manifest\.json/.test(e.message),
    );
    assert.equal(await main(["merge", s, "--out", out]), 2);
    assert.equal(await exists(out), false);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
