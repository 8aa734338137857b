/**
 * End-to-end tests of `bench` on the synthetic data set: outputs, resume
 * after a real kill, sharding + merge equal to one run, and refusal of a
 * directory made with another spec.
 */
import { join } from "node:path";
import { assert } from "../_assert.ts";
import { readCsv } from "../../src/results/csv.ts";
import {
  METRICS_COLUMN_NAMES,
  SUMMARY_COLUMN_NAMES,
} from "../../src/results/columns.ts";
import { main } from "../../src/cli/main.ts";

const SPEC = {
  name: "runner-test",
  datasets: ["synthetic"],
  variants: ["mlp", "cgan"],
  losses: ["ns", "hinge"],
  seeds: [0],
  defaults: {
    steps: 6,
    batchSize: 16,
    evalEvery: 3,
    checkpointEvery: 3,
    nEval: 64,
    nEquilibrium: 32,
    nNeighbour: 16,
    nNeighbourPool: 128,
    nSsimPairs: 16,
    kidSubsets: 4,
    kidSubsetSize: 32,
    isSplits: 2,
    gridSize: 4,
    // The synthetic test split (128 images) is not larger than d = 128.
    singularFid: "warn",
  },
};
// Columns that measure time, which differ between any two runs.
const TIMING = new Set(["wall_s", "images_per_s", "train_images_per_s"]);

const root = await Deno.makeTempDir({ prefix: "ganbench-runner-" });
const specPath = join(root, "spec.json");
await Deno.writeTextFile(specPath, JSON.stringify(SPEC));

async function bench(...args: string[]): Promise<number> {
  return await main([
    "bench",
    "--profile",
    specPath,
    "--backend",
    "cpu",
    "--jobs",
    "1",
    ...args,
  ]);
}

/** The CSV without its timing columns, for comparing runs. */
function stable(path: string): string[][] {
  const table = readCsv(path);
  const keep = table.columns.map((c, i) => TIMING.has(c) ? -1 : i).filter((i) =>
    i >= 0
  );
  return [
    keep.map((i) => table.columns[i]),
    ...table.rows.map((r) => keep.map((i) => r[i])),
  ];
}

const single = join(root, "single");
const singleCode = await bench("--out", single);

Deno.test("bench: writes manifest, metrics, summary, grids and a contact sheet", async () => {
  assert.equal(singleCode, 0);
  const metrics = readCsv(join(single, "metrics.csv"));
  assert.deepEqual(metrics.columns, [...METRICS_COLUMN_NAMES]);
  assert.equal(metrics.rows.length, 4 * 2, "4 cells × 2 evaluations");
  const summary = readCsv(join(single, "summary.csv"));
  assert.deepEqual(summary.columns, [...SUMMARY_COLUMN_NAMES]);
  assert.deepEqual(summary.rows.map((r) => r[0]), [
    "synthetic-mlp-ns-s0",
    "synthetic-mlp-hinge-s0",
    "synthetic-cgan-ns-s0",
    "synthetic-cgan-hinge-s0",
  ]);
  // Every metric column is filled with a finite number on a healthy run.
  const fid = metrics.columns.indexOf("fid");
  const ssimDiv = metrics.columns.indexOf("ssim_div_real");
  for (const row of metrics.rows) {
    for (let i = fid; i <= ssimDiv; i++) {
      assert.ok(
        row[i] !== undefined && row[i] !== "" &&
          Number.isFinite(Number(row[i])),
        `${metrics.columns[i]} = ${row[i]}`,
      );
    }
  }
  const manifest = JSON.parse(
    await Deno.readTextFile(join(single, "manifest.json")),
  );
  assert.equal(manifest.cells["synthetic-cgan-ns-s0"].status, "finished");
  assert.equal(manifest.tfjs, "4.22.0");
  assert.ok(manifest.data.synthetic !== undefined);
  // Memory is recorded per cell and per run; no cell leaves tensors behind.
  assert.ok(manifest.memory.start.rssMiB > 0 && manifest.memory.end.rssMiB > 0);
  for (const [id, record] of Object.entries(manifest.cells)) {
    const { before, after } = (record as {
      memory: Record<string, { tensors: number }>;
    }).memory;
    assert.equal(after.tensors, before.tensors, `${id}: live tensors`);
  }
  for (const id of ["synthetic-mlp-ns-s0", "synthetic-cgan-hinge-s0"]) {
    assert.ok((await Deno.stat(join(single, "grids", id, "6.png"))).isFile);
  }
  assert.ok(
    (await Deno.stat(join(single, "grids", "contact_sheet.png"))).isFile,
  );
});

Deno.test("bench: a second run into the same directory skips finished cells", async () => {
  const before = await Deno.readTextFile(join(single, "metrics.csv"));
  assert.equal(await bench("--out", single), 0);
  assert.equal(await Deno.readTextFile(join(single, "metrics.csv")), before);
});

Deno.test("bench: a directory made with another spec is refused", async () => {
  const errors: string[] = [];
  const original = console.error;
  console.error = (line: string) => errors.push(line);
  try {
    assert.equal(await bench("--out", single, "--steps", "9"), 2);
  } finally {
    console.error = original;
  }
  assert.match(
    errors.join("\n"),
    /holds a run of a different spec .*delete .* to start fresh/,
  );
});

Deno.test("bench: shards are disjoint, cover the matrix, and merge to the single run", async () => {
  const a = join(root, "shard1");
  const b = join(root, "shard2");
  assert.equal(await bench("--out", a, "--shard", "1/2"), 0);
  assert.equal(await bench("--out", b, "--shard", "2/2"), 0);
  const cellsOf = (dir: string) =>
    new Set(readCsv(join(dir, "summary.csv")).rows.map((r) => r[0]));
  const [ca, cb] = [cellsOf(a), cellsOf(b)];
  assert.equal([...ca].filter((c) => cb.has(c)).length, 0, "disjoint");
  assert.equal(ca.size + cb.size, 4, "covering");

  const merged = join(root, "merged");
  assert.equal(await main(["merge", a, b, "--out", merged]), 0);
  assert.deepEqual(
    stable(join(merged, "metrics.csv")),
    stable(join(single, "metrics.csv")),
  );
  assert.deepEqual(
    stable(join(merged, "summary.csv")),
    stable(join(single, "summary.csv")),
  );
  // Merging again changes nothing.
  const once = await Deno.readTextFile(join(merged, "metrics.csv"));
  assert.equal(await main(["merge", a, b, "--out", merged]), 0);
  assert.equal(await Deno.readTextFile(join(merged, "metrics.csv")), once);
});

Deno.test("bench --jobs 2: cells in parallel processes merge to the single run; rerun skips them", async () => {
  const out = join(root, "jobs");
  assert.equal(await bench("--out", out, "--jobs", "2"), 0);
  assert.deepEqual(
    stable(join(out, "metrics.csv")),
    stable(join(single, "metrics.csv")),
  );
  assert.deepEqual(
    stable(join(out, "summary.csv")),
    stable(join(single, "summary.csv")),
  );
  for (const id of ["synthetic-mlp-ns-s0", "synthetic-cgan-hinge-s0"]) {
    assert.ok((await Deno.stat(join(out, "grids", id, "6.png"))).isFile);
    assert.ok(
      (await Deno.stat(join(out, "jobs", id, "manifest.json"))).isFile,
    );
  }
  const once = await Deno.readTextFile(join(out, "metrics.csv"));
  assert.equal(await bench("--out", out, "--jobs", "2"), 0);
  assert.equal(await Deno.readTextFile(join(out, "metrics.csv")), once);
  assert.equal(await bench("--out", out, "--jobs", "two"), 2, "usage error");
});

Deno.test("bench: a run killed mid-cell resumes to the same rows, none truncated or duplicated", async () => {
  const out = join(root, "killed");
  // Two mlp cells, the second long enough to be killed in the middle.
  const longer = {
    ...SPEC,
    variants: ["mlp"],
    defaults: { ...SPEC.defaults, steps: 30 },
  };
  const longerPath = join(root, "longer.json");
  await Deno.writeTextFile(longerPath, JSON.stringify(longer));
  const args = [
    "bench",
    "--profile",
    longerPath,
    "--backend",
    "cpu",
    "--jobs",
    "1",
    "--out",
    out,
  ];
  const command = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-sys",
      new URL("../../src/cli/main.ts", import.meta.url).pathname,
      ...args,
    ],
    stdout: "null",
    stderr: "null",
  });
  const child = command.spawn();
  // Kill once the second cell has written a row past its first checkpoint.
  const metricsPath = join(out, "metrics.csv");
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 25));
    let text = "";
    try {
      text = await Deno.readTextFile(metricsPath);
    } catch {
      continue;
    }
    if (
      text.split("\n").filter((l) => l.startsWith("synthetic-mlp-hinge-s0,"))
        .length >= 3
    ) break;
  }
  child.kill("SIGKILL");
  await child.status;
  const manifest = JSON.parse(
    await Deno.readTextFile(join(out, "manifest.json")),
  );
  assert.equal(
    manifest.cells["synthetic-mlp-hinge-s0"]?.status,
    "running",
    "killed mid-cell",
  );

  assert.equal(await main(args), 0);
  const reference = join(root, "unkilled");
  assert.equal(
    await main([
      "bench",
      "--profile",
      longerPath,
      "--backend",
      "cpu",
      "--out",
      reference,
    ]),
    0,
  );
  const rows = stable(metricsPath);
  assert.deepEqual(rows, stable(join(reference, "metrics.csv")));
  // The summary (best FID included) is the same as without the kill.
  assert.deepEqual(
    stable(join(out, "summary.csv")),
    stable(join(reference, "summary.csv")),
  );
  const keys = rows.slice(1).map((r) => `${r[0]}@${r[5]}`);
  assert.equal(new Set(keys).size, keys.length, "no duplicated (cell, step)");
});
