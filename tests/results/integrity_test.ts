/**
 * Results-directory integrity: results without a manifest are listed, and
 * a `metrics.csv` that lost rows (cut off mid-line, or short of an ended
 * cell's evaluations) is refused with the file and line, while the cut-off
 * row of a cell still running (a killed process) is accepted.
 */
import { join } from "node:path";
import { assert } from "../_assert.ts";
import {
  checkRunFiles,
  resultsWithoutManifest,
} from "../../src/results/integrity.ts";
import type { Manifest } from "../../src/results/manifest.ts";

const HEADER = "cell,step,fid\n";

function manifestOf(cells: Manifest["cells"]): Manifest {
  return { cells } as unknown as Manifest;
}

const finished = (step: number) => ({
  status: "finished" as const,
  step,
  config: { evalEvery: 2 },
});

async function dirWith(metrics: string, summary?: string): Promise<string> {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(join(dir, "metrics.csv"), metrics);
  if (summary !== undefined) {
    await Deno.writeTextFile(join(dir, "summary.csv"), summary);
  }
  return dir;
}

Deno.test("checkRunFiles: whole files that hold every evaluation pass", async () => {
  const dir = await dirWith(`${HEADER}a,2,1\na,4,2\nb,2,3\n`);
  checkRunFiles(
    dir,
    manifestOf({ a: finished(4), b: { status: "running", step: 2 } }),
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("checkRunFiles: a cut-off row of a running cell is a killed write, accepted", async () => {
  const dir = await dirWith(`${HEADER}a,2,1\na,4,2\nb,2,3\nb,4,`);
  checkRunFiles(
    dir,
    manifestOf({ a: finished(4), b: { status: "running", step: 2 } }),
  );
  // Cut inside the id: still b's, since only b is running.
  await Deno.writeTextFile(
    join(dir, "metrics.csv"),
    `${HEADER}a,2,1\na,4,2\nb`,
  );
  checkRunFiles(dir, manifestOf({ a: finished(4), b: { status: "running" } }));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("checkRunFiles: a cut-off row of a finished cell names the file, line and cell", async () => {
  const dir = await dirWith(`${HEADER}a,2,1\na,4,2\nb,2,3\nb,4,`);
  assert.throws(
    () => checkRunFiles(dir, manifestOf({ a: finished(4), b: finished(4) })),
    (e: Error) =>
      !e.message.includes("\n") &&
      e.message.startsWith(
        `${
          join(dir, "metrics.csv")
        }: line 5 is cut off (no line end), a row of cell b, which manifest.json says finished;`,
      ),
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("checkRunFiles: an ended cell short of its rows is refused, naming cell and step", async () => {
  // b's last row (step 4) and a's middle row (step 2) lost.
  const dir = await dirWith(`${HEADER}a,4,2\nb,2,3\n`);
  assert.throws(
    () => checkRunFiles(dir, manifestOf({ a: finished(4) })),
    /metrics\.csv: no row for cell a at step 2 \(manifest\.json says it finished at step 4; the file ends at line 3\)/,
  );
  assert.throws(
    () =>
      checkRunFiles(dir, manifestOf({ b: { status: "diverged", step: 4 } })),
    /no row for cell b at step 4/,
  );
  await Deno.remove(join(dir, "metrics.csv"));
  assert.throws(
    () =>
      checkRunFiles(dir, manifestOf({ b: { status: "diverged", step: 4 } })),
    /metrics\.csv: missing, though manifest\.json says 1 cell\(s\) ended/,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("checkRunFiles: summary.csv, written whole, must end in a line end", async () => {
  const dir = await dirWith(`${HEADER}a,2,1\n`, "cell,fid\na,1");
  assert.throws(
    () => checkRunFiles(dir, manifestOf({ a: { status: "running" } })),
    /summary\.csv: line 2 is cut off/,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("resultsWithoutManifest: lists results files and non-empty folders", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.mkdir(join(dir, "checkpoints"));
  await Deno.mkdir(join(dir, "jobs"));
  assert.deepEqual(
    resultsWithoutManifest(dir),
    [],
    "empty folders are not results",
  );
  await Deno.writeTextFile(join(dir, "summary.csv"), "cell\n");
  await Deno.mkdir(join(dir, "grids"));
  await Deno.mkdir(join(dir, "jobs", "c"));
  assert.deepEqual(resultsWithoutManifest(dir), [
    "summary.csv",
    "grids/",
    "jobs/",
  ]);
  assert.deepEqual(resultsWithoutManifest(join(dir, "missing")), []);
  await Deno.remove(dir, { recursive: true });
});
