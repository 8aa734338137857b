/**
 * Usage and input errors of every sub-command exit 2 with one line that
 * names the flag (issue 17): bad spec contents, duplicate or out-of-range
 * seeds, negative numbers (no "argument is ambiguous"), `--jobs` under
 * `--dry-run`, batch and evaluation sizes larger than the data set's
 * splits, a missing `--data-dir`, all before anything runs. Runs `main()`
 * in-process; nothing trains.
 */
import { join } from "node:path";
import { assert } from "../_assert.ts";
import { main } from "../../src/cli/main.ts";

const tmp = await Deno.makeTempDir({ prefix: "ganbench-exit-" });

/** Runs `main(args)`, capturing what it prints. */
async function cli(
  ...args: string[]
): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const [log, error] = [console.log, console.error];
  console.log = (...a: unknown[]) => out.push(a.join(" "));
  console.error = (...a: unknown[]) => err.push(a.join(" "));
  try {
    const code = await main(args);
    return { code, out: out.join("\n"), err: err.join("\n") };
  } finally {
    console.log = log;
    console.error = error;
  }
}

/** Exit 2, one line, matching `pattern`, and no stray "ambiguous". */
async function assertUsage(args: string[], pattern: RegExp): Promise<void> {
  const r = await cli(...args);
  const what = `${args.join(" ")} → ${r.code}: ${r.err}`;
  assert.equal(r.code, 2, what);
  assert.ok(!r.err.includes("\n"), `one line: ${what}`);
  assert.match(r.err, pattern, what);
  assert.ok(!/ambiguous/.test(r.err), what);
}

async function specFile(name: string, spec: unknown): Promise<string> {
  const path = join(tmp, `${name}.json`);
  await Deno.writeTextFile(path, JSON.stringify(spec));
  return path;
}

const BASE = {
  name: "probe",
  datasets: ["mnist"],
  variants: ["mlp"],
  losses: ["ns"],
  seeds: [0],
};

Deno.test("bench: a negative number is a clear one-line usage error", async () => {
  await assertUsage(
    ["bench", "--seeds", "-1", "--dry-run"],
    /^ganbench bench: --seeds: '-1' is not a non-negative integer$/,
  );
  await assertUsage(
    ["bench", "--steps", "-5", "--dry-run"],
    /^ganbench bench: --steps: '-5' is not an integer >= 1$/,
  );
  await assertUsage(
    ["bench", "--n-eval", "-2.5", "--dry-run"],
    /^ganbench bench: --n-eval: '-2\.5' is not an integer >= 2$/,
  );
  await assertUsage(
    ["compare", "a", "b", "--alpha", "-1"],
    /^ganbench compare: --alpha: '-1' is not in \(0, 1\)$/,
  );
  await assertUsage(
    ["train-evaluator", "--epochs", "-1"],
    /^ganbench train-evaluator: --epochs: '-1' is not an integer >= 1$/,
  );
  // A value starting with a dash that is no number: say how to pass it.
  await assertUsage(
    ["bench", "--out", "-x", "--dry-run"],
    /^ganbench bench: --out: missing value \(a value starting with '-' is given as --out=-x\)$/,
  );
});

Deno.test("bench: --jobs is checked under --dry-run", async () => {
  for (const jobs of ["0", "abc", "1.5"]) {
    await assertUsage(
      ["bench", "--jobs", jobs, "--dry-run"],
      /^ganbench bench: --jobs: expected a positive integer or 'auto', got /,
    );
  }
  const ok = await cli("bench", "--jobs", "2", "--dry-run", "--losses", "ns");
  assert.equal(ok.code, 0, ok.err);
});

Deno.test("bench: seeds and spec contents that are invalid exit 2, not 1", async () => {
  await assertUsage(
    ["bench", "--seeds", "1,1", "--dry-run"],
    /^ganbench bench: --seeds: a seed is given twice$/,
  );
  await assertUsage(
    ["bench", "--seeds", "99999999999", "--dry-run"],
    /^ganbench bench: --seeds: expected integers in \[0, 2\^32\)/,
  );
  await assertUsage(
    [
      "bench",
      "--profile",
      await specFile("variant", { ...BASE, variants: ["foo"] }),
      "--dry-run",
    ],
    /unknown variant 'foo'/,
  );
  await assertUsage(
    [
      "bench",
      "--profile",
      await specFile("ckpt", {
        ...BASE,
        defaults: { evalEvery: 4, checkpointEvery: 6 },
      }),
      "--dry-run",
    ],
    /mnist-mlp-ns-s0: checkpointEvery \(6\) must be 0 or a multiple of evalEvery \(4\)/,
  );
});

Deno.test("bench: batch and evaluation sizes larger than the data set are refused before anything runs", async () => {
  const narrow = [
    "--datasets",
    "mnist",
    "--variants",
    "mlp",
    "--losses",
    "ns",
    "--seeds",
    "0",
  ];
  await assertUsage(
    ["bench", ...narrow, "--batch-size", "60001", "--dry-run"],
    /mnist-mlp-ns-s0: batchSize 60001 exceeds the mnist train split \(60000 images\)/,
  );
  await assertUsage(
    ["bench", ...narrow, "--n-eval", "70000", "--dry-run"],
    /mnist-mlp-ns-s0: nEval 70000 exceeds the mnist train split \(60000 images\)/,
  );
  await assertUsage(
    [
      "bench",
      "--profile",
      await specFile("neq", {
        ...BASE,
        datasets: ["synthetic"],
        defaults: { nEquilibrium: 200, nEval: 64, batchSize: 16 },
      }),
      "--dry-run",
    ],
    /synthetic-mlp-ns-s0: nEquilibrium 200 exceeds the synthetic test split \(128 images\)/,
  );
  // Without --dry-run too: refused before a results directory is made.
  const out = join(tmp, "never");
  await assertUsage(
    ["bench", ...narrow, "--batch-size", "60001", "--out", out],
    /batchSize 60001 exceeds/,
  );
  await assert.rejects(Deno.stat(out), Deno.errors.NotFound);
});

Deno.test("bench: a missing --data-dir is a usage error before anything runs", async () => {
  const out = join(tmp, "never2");
  await assertUsage(
    [
      "bench",
      "--data-dir",
      join(tmp, "no-such-dir"),
      "--losses",
      "ns",
      "--variants",
      "mlp",
      "--out",
      out,
    ],
    /^ganbench bench: --data-dir: .*no-such-dir: no such directory$/,
  );
  await assert.rejects(Deno.stat(out), Deno.errors.NotFound);
});

Deno.test("bench: a spec's evaluator file that does not exist is refused before anything runs", async () => {
  const out = join(tmp, "never3");
  await assertUsage(
    [
      "bench",
      "--profile",
      await specFile("evaluator", {
        ...BASE,
        defaults: { evaluator: join(tmp, "no-model.json") },
      }),
      "--out",
      out,
    ],
    /^ganbench bench: mnist-mlp-ns-s0: evaluator .*no-model\.json: file not found$/,
  );
  await assert.rejects(Deno.stat(out), Deno.errors.NotFound);
  await assertUsage(
    ["bench", "--evaluator", tmp, "--dry-run"],
    /^ganbench bench: --evaluator: .*: not a file \(give the model\.json\)$/,
  );
});
