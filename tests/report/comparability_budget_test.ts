/**
 * `compare` refuses two runs whose cells count their budget in different
 * units or score different generators (`gEma`): both are protocol
 * settings. A recorded config without `budget` counted G steps; one
 * without `gEma` scored the raw G.
 */
import { assert } from "../_assert.ts";
import { checkComparable } from "../../src/report/comparability.ts";
import { groupCells, type RunData } from "../../src/report/aggregate.ts";
import { CompareInputError } from "../../src/report/errors.ts";
import { BUILTIN_CONFIG } from "../../src/spec/defaults.ts";
import type { CellConfig, MatrixSpec } from "../../src/spec/types.ts";

const CELL = "mnist-mlp-wgan-s0";

/** A one-cell run whose cell ran with `config`. */
function run(dir: string, config: Record<string, unknown>): RunData {
  const summary = [{
    cell: CELL,
    dataset: "mnist",
    variant: "mlp",
    loss: "wgan",
    seed: "0",
    status: "finished",
    evaluator: "mnist-cnn",
    evaluator_md5: "0123456789abcdef",
    n_eval: "10000",
    fid: "5",
  }];
  return {
    dir,
    manifest: {
      specHash: "",
      spec: { name: "demo" } as MatrixSpec,
      cells: {},
    },
    summary,
    summaryColumns: Object.keys(summary[0]),
    configs: new Map([[CELL, config as unknown as CellConfig]]),
  };
}

/** checkComparable of two runs, or the message it refused them with. */
function compare(a: RunData, b: RunData): string {
  try {
    const protocol = checkComparable(
      a,
      b,
      groupCells(a.summary),
      groupCells(b.summary),
    );
    return `ok ${JSON.stringify(protocol[0].values)}`;
  } catch (error) {
    assert.ok(error instanceof CompareInputError, String(error));
    return error.message;
  }
}

const today = { ...BUILTIN_CONFIG } as Record<string, unknown>;
const old = { ...today };
delete old.budget; // recorded before the setting existed: G steps

Deno.test("comparability: the same budget and gEma compare", () => {
  const out = compare(run("a", today), run("b", { ...today }));
  assert.match(out, /^ok /);
  const values = JSON.parse(out.slice(3));
  assert.equal(values.budget, "d-steps");
  assert.equal(values.steps, 1000);
  assert.equal(values.gEma, 0);
});

Deno.test("comparability: a different budget unit is refused, naming both values", () => {
  assert.equal(
    compare(run("base", today), run("cand", { ...today, budget: "g-steps" })),
    "cand: protocol of mnist/mlp/wgan differs from the baseline base (baseline vs candidate: budget d-steps vs g-steps)",
  );
});

Deno.test("comparability: a config without budget counted G steps", () => {
  assert.match(
    compare(run("base", old), run("cand", today)),
    /\(baseline vs candidate: budget g-steps vs d-steps\)$/,
  );
  assert.match(
    compare(run("base", old), run("cand", { ...today, budget: "g-steps" })),
    /^ok /,
  );
});

Deno.test("comparability: a different gEma is refused; an absent gEma is 0", () => {
  assert.equal(
    compare(run("base", today), run("cand", { ...today, gEma: 0.999 })),
    "cand: protocol of mnist/mlp/wgan differs from the baseline base (baseline vs candidate: gEma 0 vs 0.999)",
  );
  assert.match(
    compare(run("base", today), run("cand", { ...today, gEma: 0 })),
    /^ok /,
  );
});
