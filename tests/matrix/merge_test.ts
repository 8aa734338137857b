import { assert } from "../_assert.ts";
import { join } from "node:path";
import { mergeRuns } from "../../src/matrix/merge.ts";
import {
  type Manifest,
  newManifest,
  readManifest,
  writeManifest,
} from "../../src/results/manifest.ts";
import { expandSpec } from "../../src/spec/expand.ts";
import { shardCells } from "../../src/spec/shard.ts";
import { CsvWriter, readCsv } from "../../src/results/csv.ts";
import { writePng } from "../../src/results/png.ts";
import { decodePng } from "../../src/results/png.ts";
import { tinySpec } from "./_helpers.ts";
import type { MatrixSpec } from "../../src/spec/types.ts";

const METRICS = ["cell", "step", "fid"];
const SUMMARY = ["cell", "status", "fid"];

/** Writes a fake shard run: each cell evaluated at steps 5 and 10. */
async function fakeShard(
  dir: string,
  spec: MatrixSpec,
  index: number,
  count: number,
  options: { unfinished?: string[] } = {},
): Promise<void> {
  const cells = shardCells(expandSpec(spec), index, count);
  const manifest: Manifest = {
    ...newManifest(spec),
    shard: { index, count },
    backend: "cpu",
  };
  const metrics = CsvWriter.open(join(dir, "metrics.csv"), METRICS);
  const summary = CsvWriter.open(join(dir, "summary.csv"), SUMMARY);
  // Write cells in reverse order to check that the merge re-sorts them.
  for (const cell of [...cells].reverse()) {
    const running = options.unfinished?.includes(cell.id);
    for (const step of running ? [5] : [5, 10]) {
      metrics.append({ cell: cell.id, step, fid: step + cell.seed });
      await writePng(join(dir, "grids", cell.id, `${step}.png`), {
        pixels: new Uint8Array(4 * 4).fill(step * 10 + cell.seed),
        width: 4,
        height: 4,
        channels: 1,
      });
    }
    if (!running) {
      summary.append({
        cell: cell.id,
        status: "finished",
        fid: 10 + cell.seed,
      });
    }
    manifest.cells[cell.id] = {
      status: running ? "running" : "finished",
      step: running ? 5 : 10,
    };
  }
  metrics.close();
  summary.close();
  await writeManifest(dir, manifest);
}

async function readAll(dir: string): Promise<Record<string, Uint8Array>> {
  const out: Record<string, Uint8Array> = {};
  const walk = async (sub: string) => {
    for await (const e of Deno.readDir(join(dir, sub))) {
      const rel = sub ? `${sub}/${e.name}` : e.name;
      if (e.isDirectory) await walk(rel);
      else out[rel] = await Deno.readFile(join(dir, rel));
    }
  };
  await walk("");
  return out;
}

Deno.test("mergeRuns: shards combine in spec order, idempotently", async () => {
  const root = await Deno.makeTempDir();
  try {
    const spec = tinySpec();
    const ids = expandSpec(spec).map((c) => c.id);
    const shards = [1, 2, 3].map((i) => join(root, `s${i}`));
    for (let i = 0; i < 3; i++) await fakeShard(shards[i], spec, i + 1, 3);
    const out = join(root, "merged");
    const result = await mergeRuns(shards, out);
    assert.deepEqual(result.counts, { finished: 8, diverged: 0, running: 0 });
    assert.deepEqual(result.missing, []);

    const metrics = readCsv(join(out, "metrics.csv"));
    assert.deepEqual(metrics.columns, METRICS);
    assert.deepEqual(
      metrics.rows.map((r) => `${r[0]}@${r[1]}`),
      ids.flatMap((id) => [`${id}@5`, `${id}@10`]),
    );
    assert.deepEqual(
      readCsv(join(out, "summary.csv")).rows.map((r) => r[0]),
      ids,
    );

    const manifest = (await readManifest(out))!;
    assert.deepEqual(Object.keys(manifest.cells), ids);
    assert.equal(manifest.shard, undefined);
    assert.equal(manifest.backend, "cpu");
    for (const id of ids) {
      assert.ok((await Deno.stat(join(out, "grids", id, "10.png"))).isFile);
    }
    const sheet = decodePng(
      await Deno.readFile(join(out, "grids", "contact_sheet.png")),
    );
    assert.equal(sheet.channels, 3);

    const first = await readAll(out);
    await mergeRuns(shards, out);
    assert.deepEqual(
      await readAll(out),
      first,
      "merging twice gives the same files",
    );
    // merging the merged directory with a shard again changes nothing
    await mergeRuns([out, shards[1]], out);
    assert.deepEqual(await readAll(out), first);
    // a different output, the same content
    await mergeRuns(shards, join(root, "merged2"));
    assert.deepEqual(await readAll(join(root, "merged2")), first);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("mergeRuns: a finished copy wins over an interrupted one; the output accumulates", async () => {
  const root = await Deno.makeTempDir();
  try {
    const spec = tinySpec();
    const ids = expandSpec(spec).map((c) => c.id);
    const a = join(root, "a");
    const b = join(root, "b");
    const rerun = join(root, "rerun");
    await fakeShard(a, spec, 1, 2, { unfinished: [ids[0]] });
    await fakeShard(b, spec, 2, 2);
    await fakeShard(rerun, spec, 1, 2); // shard 1 again, all finished
    const out = join(root, "out");
    let result = await mergeRuns([a], out);
    assert.deepEqual(result.counts, { finished: 3, diverged: 0, running: 1 });
    assert.equal(result.missing.length, 4);
    result = await mergeRuns([b], out); // the output's own run is merged too
    assert.deepEqual(result.counts, { finished: 7, diverged: 0, running: 1 });
    result = await mergeRuns([a, rerun], out);
    assert.deepEqual(result.counts, { finished: 8, diverged: 0, running: 0 });
    const rows = readCsv(join(out, "metrics.csv")).rows;
    assert.deepEqual(
      rows.filter((r) => r[0] === ids[0]).map((r) => r[1]),
      ["5", "10"],
      "rows of the finished copy only",
    );
    assert.equal(rows.length, 16);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("mergeRuns: mismatched spec hashes and non-runs are refused, nothing written", async () => {
  const root = await Deno.makeTempDir();
  try {
    const a = join(root, "a");
    const b = join(root, "b");
    await fakeShard(a, tinySpec(), 1, 2);
    await fakeShard(
      b,
      tinySpec({ defaults: { steps: 20, evalEvery: 5, checkpointEvery: 5 } }),
      2,
      2,
    );
    const out = join(root, "out");
    await assert.rejects(mergeRuns([a, b], out), (e: Error) => {
      assert.match(
        e.message,
        /^cannot merge: .*b was made with a different spec \(hash [0-9a-f]{12}, spec tiny\) than .*a/,
      );
      return true;
    });
    await assert.rejects(Deno.stat(out), Deno.errors.NotFound);
    await assert.rejects(
      mergeRuns([a, root], out),
      /has no manifest\.json \(not a run directory\)/,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("readManifest: an edited spec is detected", async () => {
  const dir = await Deno.makeTempDir();
  try {
    assert.equal(await readManifest(dir), undefined);
    const m = newManifest(tinySpec());
    m.cells["mnist-mlp-ns-s0"] = { status: "finished" };
    await writeManifest(dir, m);
    assert.deepEqual((await readManifest(dir))!.cells, m.cells);
    m.spec.defaults.steps = 99;
    await writeManifest(dir, m);
    await assert.rejects(
      readManifest(dir),
      /specHash [0-9a-f]+ does not match its spec/,
    );
    const m2 = newManifest(tinySpec());
    (m2.cells as Record<string, unknown>).x = { status: "done" };
    await writeManifest(dir, m2);
    await assert.rejects(
      readManifest(dir),
      /cells\.x\.status: expected one of finished, diverged, running, got "done"/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
