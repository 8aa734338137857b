/**
 * `--eval-every` and `--checkpoint-every` (issue 17): `--eval-every N` on a
 * profile whose checkpoint intervals are not multiples of N moves each of
 * them to the next multiple of N at or above it instead of refusing the
 * run; `--checkpoint-every` sets the interval of every cell and must be 0
 * or a multiple of the evaluation interval.
 */
import { assert } from "../_assert.ts";
import { applyOverrides } from "../../src/cli/_overrides.ts";
import { main } from "../../src/cli/main.ts";
import { expandSpec } from "../../src/spec/expand.ts";
import { loadSpecFile } from "../../src/spec/spec.ts";

/** The pre-issue-16 quick profile: include cells and per-cell budgets. */
const MIXED_BUDGETS = "tests/fixtures/specs/mixed_budgets.json";
import { tinySpec } from "../matrix/_helpers.ts";

/** `[id, evalEvery, checkpointEvery]` of every cell. */
function intervals(
  ...args: Parameters<typeof applyOverrides>
): [string, number, number][] {
  return expandSpec(applyOverrides(...args)).map((c) => [
    c.id,
    c.config.evalEvery,
    c.config.checkpointEvery,
  ]);
}

Deno.test("--eval-every 1000 on a profile with per-cell intervals: checkpoints move up to multiples of 1000", async () => {
  const quick = await loadSpecFile(MIXED_BUDGETS);
  assert.deepEqual(intervals(quick, { evalEvery: 1000 }), [
    ["mnist-mlp-minimax-s0", 1000, 1000],
    ["mnist-mlp-ns-s0", 1000, 4000], // already a multiple: kept
    ["mnist-mlp-lsgan-s0", 1000, 1000],
    ["mnist-mlp-wgan-s0", 1000, 1000], // 500 → 1000
    ["mnist-mlp-wgan-gp-s0", 1000, 1000], // 250 → 1000
    ["mnist-mlp-hinge-s0", 1000, 1000],
    ["mnist-cgan-ns-s0", 1000, 1000],
    ["mnist-dcgan-ns-s0", 1000, 1000], // 300 → 1000
  ]);
  // Up to the next multiple, not down: 4000 with --eval-every 3000 → 6000.
  const ns = intervals(quick, { evalEvery: 3000, losses: ["ns"] });
  assert.deepEqual(ns.map((c) => c[2]), [6000, 3000, 3000]);
});

Deno.test("--eval-every: 0 (never) stays 0; seeds with different intervals get their own", () => {
  const spec = tinySpec({
    defaults: { steps: 10, evalEvery: 5, checkpointEvery: 0 },
    overrides: [{
      match: { variant: "dcgan", seed: 1 },
      set: { checkpointEvery: 10 },
    }],
  });
  const out = intervals(spec, { evalEvery: 4 });
  assert.deepEqual(out.filter((c) => c[2] !== 0), [
    ["mnist-dcgan-ns-s1", 4, 12],
    ["mnist-dcgan-hinge-s1", 4, 12],
  ]);
});

Deno.test("--checkpoint-every sets every cell's interval; a non-multiple is refused (exit 2)", async () => {
  const quick = await loadSpecFile(MIXED_BUDGETS);
  const all = (
    c: [string, number, number][],
  ) => [...new Set(c.map((x) => x[2]))];
  assert.deepEqual(
    all(intervals(quick, { evalEvery: 1000, checkpointEvery: 0 })),
    [0],
  );
  assert.deepEqual(
    all(intervals(quick, { evalEvery: 1000, checkpointEvery: 3000 })),
    [3000],
  );
  const err: string[] = [];
  const error = console.error;
  console.error = (...a: unknown[]) => err.push(a.join(" "));
  let code: number;
  try {
    code = await main([
      "bench",
      "--eval-every",
      "1000",
      "--checkpoint-every",
      "1500",
      "--dry-run",
    ]);
  } finally {
    console.error = error;
  }
  assert.equal(code, 2);
  assert.equal(err.length, 1);
  assert.match(
    err[0],
    /checkpointEvery \(1500\) must be 0 or a multiple of evalEvery \(1000\)/,
  );
});

Deno.test("bench --eval-every 1000 --dry-run on the default profile runs (exit 0)", async () => {
  const out: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => out.push(a.join(" "));
  let code: number;
  try {
    code = await main(["bench", "--eval-every", "1000", "--dry-run"]);
  } finally {
    console.log = log;
  }
  assert.equal(code, 0);
  assert.match(out.join("\n"), /mnist-mlp-wgan-s0 .*eval every 1000/);
});
