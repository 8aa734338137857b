/**
 * `bench` and `report` on results directories that are not theirs to take:
 * a different spec or a corrupt manifest under `--jobs` (refused before any
 * child starts), results without a manifest, a `metrics.csv` cut short, an
 * `--out` this process may not write, and a second runner on the same
 * `--out` (refused by the lock). Cells finished by a `--jobs 1` run are
 * skipped by a `--jobs 2` run.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { assert } from "../_assert.ts";
import { main } from "../../src/cli/main.ts";
import { acquireRunLock } from "../../src/results/lock.ts";

const SPEC = {
  name: "results-dir-test",
  datasets: ["synthetic"],
  variants: ["mlp"],
  losses: ["ns", "hinge"],
  seeds: [0],
  defaults: {
    steps: 4,
    batchSize: 8,
    evalEvery: 2,
    checkpointEvery: 2,
    nEval: 32,
    nEquilibrium: 16,
    nNeighbour: 8,
    nNeighbourPool: 64,
    nSsimPairs: 8,
    kidSubsets: 2,
    kidSubsetSize: 16,
    isSplits: 2,
    gridSize: 2,
    // The synthetic test split (128 images) is not larger than d = 128.
    singularFid: "warn",
  },
};

const root = await Deno.makeTempDir({ prefix: "ganbench-resdir-" });
const specPath = join(root, "spec.json");
await Deno.writeTextFile(specPath, JSON.stringify(SPEC));
const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));

/** Runs `bench` in this process; returns its exit code and stderr lines. */
async function bench(
  ...args: string[]
): Promise<{ code: number; errors: string }> {
  const errors: string[] = [];
  const original = console.error;
  const originalLog = console.log;
  console.error = (line: string) => errors.push(String(line));
  console.log = () => {};
  try {
    const code = await main([
      "bench",
      "--profile",
      specPath,
      "--backend",
      "cpu",
      ...args,
    ]);
    return { code, errors: errors.join("\n") };
  } finally {
    console.error = original;
    console.log = originalLog;
  }
}

/** Every file under `dir` with its bytes (empty when `dir` is missing). */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (sub: string) => {
    for await (const e of Deno.readDir(join(dir, sub))) {
      const rel = sub ? `${sub}/${e.name}` : e.name;
      if (e.isDirectory) {
        out[`${rel}/`] = "";
        await walk(rel);
      } else out[rel] = await Deno.readTextFile(join(dir, rel));
    }
  };
  try {
    await walk("");
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return out;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

// One finished run, copied for each test that damages it.
const done = join(root, "done");
const doneResult = await bench("--jobs", "1", "--out", done);

async function copyOfDone(name: string): Promise<string> {
  const dir = join(root, name);
  await new Deno.Command("cp", { args: ["-r", done, dir] }).output();
  return dir;
}

Deno.test("bench --jobs 2: cells finished by a --jobs 1 run are skipped, no child starts", async () => {
  assert.equal(doneResult.code, 0, doneResult.errors);
  const out = await copyOfDone("rerun-jobs");
  const before = await Deno.readTextFile(join(out, "metrics.csv"));
  const { code, errors } = await bench("--jobs", "2", "--out", out);
  assert.equal(code, 0, errors);
  assert.equal(await exists(join(out, "jobs")), false, "no child ran");
  assert.equal(await Deno.readTextFile(join(out, "metrics.csv")), before);
  assert.match(
    errors,
    /synthetic-mlp-ns-s0: finished in an earlier run, skipped/,
  );
});

Deno.test("bench --jobs 2: a different spec is refused before any child starts", async () => {
  const out = await copyOfDone("other-spec-jobs");
  const before = await snapshot(out);
  const { code, errors } = await bench(
    "--jobs",
    "2",
    "--steps",
    "6",
    "--out",
    out,
  );
  assert.equal(code, 2);
  assert.match(errors, /holds a run of a different spec/);
  assert.deepEqual(await snapshot(out), before, "nothing written");
});

Deno.test("bench --jobs 2: a corrupt manifest is refused before any child starts", async () => {
  const out = await copyOfDone("corrupt-jobs");
  await Deno.writeTextFile(join(out, "manifest.json"), "{ not json");
  const before = await snapshot(out);
  const { code, errors } = await bench("--jobs", "2", "--out", out);
  assert.equal(code, 2);
  assert.match(errors, /manifest\.json: invalid JSON/);
  assert.deepEqual(await snapshot(out), before, "nothing written");
});

for (const jobs of ["1", "2"]) {
  Deno.test(`bench --jobs ${jobs}: results without a manifest are refused, never adopted`, async () => {
    const out = await copyOfDone(`orphan-${jobs}`);
    await Deno.remove(join(out, "manifest.json"));
    const before = await snapshot(out);
    const { code, errors } = await bench(
      "--jobs",
      jobs,
      "--steps",
      "6",
      "--out",
      out,
    );
    assert.equal(code, 2);
    const line = errors.split("\n").find((l) => l.includes("manifest.json"));
    assert.ok(line, errors);
    assert.match(
      line,
      /holds results .* but no manifest\.json.*another.*remove/,
    );
    assert.deepEqual(await snapshot(out), before, "nothing written");
  });
}

Deno.test("bench and report: a metrics.csv cut off mid-line after its cells finished is refused", async () => {
  for (const jobs of ["1", "2"]) {
    const out = await copyOfDone(`cut-${jobs}`);
    const path = join(out, "metrics.csv");
    const text = await Deno.readTextFile(path);
    const lines = text.split("\n").length - 1; // text ends with a newline
    await Deno.writeTextFile(path, text.slice(0, text.length - 20));
    const before = await snapshot(out);
    const { code, errors } = await bench("--jobs", jobs, "--out", out);
    assert.equal(code, 2, `--jobs ${jobs}`);
    assert.match(errors, new RegExp(`metrics\\.csv: line ${lines} is cut off`));
    assert.deepEqual(await snapshot(out), before, "nothing written");
    const report = await main([
      "report",
      out,
      "--out",
      join(root, `rep-${jobs}`),
    ]);
    assert.equal(report, 2, "report refuses a damaged run");
  }
});

Deno.test("bench and report: a metrics.csv missing the rows of a finished cell is refused", async () => {
  const out = await copyOfDone("rows-lost");
  const path = join(out, "metrics.csv");
  const lines = (await Deno.readTextFile(path)).split("\n");
  // Header + 2 cells × 2 evaluations; cut after the first cell's rows.
  await Deno.writeTextFile(path, lines.slice(0, 3).join("\n") + "\n");
  const { code, errors } = await bench("--jobs", "1", "--out", out);
  assert.equal(code, 2);
  assert.match(
    errors,
    /metrics\.csv: no row for cell synthetic-mlp-hinge-s0 at step 2/,
  );
  assert.equal(await main(["report", out, "--out", join(root, "rep-lost")]), 2);
});

Deno.test("bench --jobs 2: an --out this process may not write is a usage error before anything runs", async () => {
  const allowed = join(root, "allowed");
  const outside = join(root, "outside");
  await Deno.mkdir(allowed);
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      `--allow-write=${allowed}`,
      "--allow-env",
      "--allow-sys",
      "--allow-run",
      MAIN,
      "bench",
      "--profile",
      specPath,
      "--backend",
      "cpu",
      "--jobs",
      "2",
      "--out",
      outside,
    ],
    stdout: "null",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(stderr).trim();
  assert.equal(code, 2, text);
  assert.equal(text.split("\n").length, 1, text);
  assert.match(text, new RegExp(`--out ${outside}: not writable`));
  assert.match(text, /--allow-write=/);
  assert.equal(await exists(outside), false, "nothing written");
});

Deno.test("bench: a second runner on the same --out is refused and writes nothing", async () => {
  for (const jobs of ["1", "2"]) {
    const out = await copyOfDone(`locked-${jobs}`);
    // A holder in this process (a flock conflicts across file handles).
    const lock = acquireRunLock(out);
    try {
      const before = await snapshot(out);
      const { code, errors } = await bench("--jobs", jobs, "--out", out);
      assert.equal(code, 2);
      assert.match(
        errors,
        new RegExp(`is in use by process ${Deno.pid} on .* since `),
      );
      assert.deepEqual(await snapshot(out), before, "nothing written");
    } finally {
      lock.release();
    }
    // Released: the directory is usable again, and the lock file is gone.
    assert.equal((await bench("--jobs", jobs, "--out", out)).code, 0);
    assert.equal(await exists(join(out, "run.lock")), false);
  }
});
