/**
 * The training budget unit (`budget`): its default, its spec rule, the
 * conversion of `steps` / `evalEvery` / `checkpointEvery` to G steps per
 * unit, the refusal of counts that are no whole number of G steps (before
 * anything runs) and the training cost used to order parallel jobs.
 */
import { assert } from "../_assert.ts";
import { BUILTIN_CONFIG } from "../../src/spec/defaults.ts";
import { expandSpec } from "../../src/spec/expand.ts";
import { parseSpec } from "../../src/spec/spec.ts";
import { findCellProblems, validateCells } from "../../src/spec/validate.ts";
import { getLoss } from "../../src/losses/registry.ts";
import {
  budgetProblems,
  gStepCounts,
  unitsPerGStep,
} from "../../src/train/train_config.ts";
import { trainConfig } from "../../src/matrix/cell_settings.ts";
import { estimatedCost } from "../../src/matrix/jobs.ts";
import { divergedRow } from "../../src/matrix/cell_rows.ts";
import type { ModelConfig } from "../../src/models/types.ts";
import { ZOO } from "../matrix/_helpers.ts";

/** A parsed one-data-set spec of `mlp` × `losses` with `defaults`. */
function spec(losses: string[], defaults: Record<string, unknown>) {
  return parseSpec({
    name: "budget",
    datasets: ["mnist"],
    variants: ["mlp"],
    losses,
    seeds: [0],
    defaults,
  }, "budget");
}

const ACCEPTED = { ...ZOO, lossDefaults: getLoss };

Deno.test("budget: d-steps is the default and the only new default", () => {
  assert.equal(BUILTIN_CONFIG.budget, "d-steps");
  const [cell] = expandSpec(spec(["ns"], {}));
  assert.equal(cell.config.budget, "d-steps");
});

Deno.test("budget: the spec accepts the three units and refuses others", () => {
  for (const unit of ["d-steps", "g-steps", "d-images"]) {
    assert.equal(spec(["ns"], { budget: unit }).defaults.budget, unit);
  }
  assert.throws(
    () => spec(["ns"], { budget: "epochs" }),
    /defaults\.budget: expected one of d-steps, g-steps, d-images, got "epochs"/,
  );
});

Deno.test("budget: units per G step and the conversion of each unit", () => {
  assert.deepEqual(
    ["g-steps", "d-steps", "d-images"].map((u) =>
      unitsPerGStep(u as "g-steps", 5, 64)
    ),
    [1, 5, 320],
  );
  const counts = { steps: 6400, evalEvery: 3200, checkpointEvery: 0 };
  const at = (budget: "g-steps" | "d-steps" | "d-images", nCritic: number) =>
    gStepCounts("c", { ...counts, budget, batchSize: 64 }, nCritic);
  assert.deepEqual(at("g-steps", 5), counts);
  assert.deepEqual(at("d-steps", 5), {
    steps: 1280,
    evalEvery: 640,
    checkpointEvery: 0,
  });
  assert.deepEqual(at("d-steps", 1), counts);
  assert.deepEqual(at("d-images", 5), {
    steps: 20,
    evalEvery: 10,
    checkpointEvery: 0,
  });
  assert.deepEqual(at("d-images", 1), {
    steps: 100,
    evalEvery: 50,
    checkpointEvery: 0,
  });
});

Deno.test("budget: a count that is no whole number of G steps is refused, naming cell and numbers", () => {
  const settings = {
    budget: "d-steps" as const,
    batchSize: 64,
    steps: 1000,
    evalEvery: 500,
    checkpointEvery: 500,
  };
  assert.throws(
    () => gStepCounts("mnist-mlp-wgan-s0", settings, 3),
    (e: Error) =>
      e.message ===
        "mnist-mlp-wgan-s0: steps 1000 (d-steps) is not a multiple of nCritic 3; " +
          "evalEvery 500 (d-steps) is not a multiple of nCritic 3; " +
          "checkpointEvery 500 (d-steps) is not a multiple of nCritic 3",
  );
  assert.deepEqual(
    budgetProblems({ ...settings, budget: "d-images", steps: 6400 }, 5),
    [
      "evalEvery 500 (d-images) is not a multiple of nCritic × batchSize 5 × 64 = 320",
      "checkpointEvery 500 (d-images) is not a multiple of nCritic × batchSize 5 × 64 = 320",
    ],
  );
  // g-steps never needs a conversion.
  assert.deepEqual(budgetProblems({ ...settings, budget: "g-steps" }, 3), []);
});

Deno.test("budget: validateCells reports a non-multiple before anything runs", () => {
  const cells = expandSpec(
    parseSpec({
      name: "budget",
      datasets: ["mnist"],
      variants: ["mlp"],
      losses: ["ns", "wgan", "wgan-gp"],
      seeds: [0],
      defaults: { steps: 1000, evalEvery: 500, checkpointEvery: 0 },
      overrides: [{ match: { loss: "wgan" }, set: { nCritic: 3 } }],
    }, "budget"),
  );
  // ns (n_critic 1) and wgan-gp (5) divide 1000 and 500; wgan with 3 does not.
  assert.deepEqual(findCellProblems(cells, ACCEPTED), [
    "mnist-mlp-wgan-s0: steps 1000 (d-steps) is not a multiple of nCritic 3",
    "mnist-mlp-wgan-s0: evalEvery 500 (d-steps) is not a multiple of nCritic 3",
  ]);
  assert.throws(
    () => validateCells(cells, ACCEPTED),
    /^Error: invalid matrix \(2 problems\): mnist-mlp-wgan-s0: steps 1000/,
  );
  // The loss's own n_critic counts when the spec sets none.
  const wgan = expandSpec(
    spec(["wgan"], { steps: 1002, evalEvery: 501, checkpointEvery: 0 }),
  );
  assert.deepEqual(findCellProblems(wgan, ACCEPTED), [
    "mnist-mlp-wgan-s0: steps 1002 (d-steps) is not a multiple of nCritic 5",
    "mnist-mlp-wgan-s0: evalEvery 501 (d-steps) is not a multiple of nCritic 5",
  ]);
});

Deno.test("budget: trainConfig gives the trainer G steps", () => {
  const cells = expandSpec(
    spec(["ns", "wgan-gp"], {
      steps: 1000,
      evalEvery: 500,
      checkpointEvery: 500,
    }),
  );
  const schedule = (budget: string) =>
    expandSpec(
      spec(["ns", "wgan-gp"], {
        steps: 1000,
        evalEvery: 500,
        checkpointEvery: 500,
        budget,
      }),
    ).map((c) => {
      const t = trainConfig(c);
      return [c.id, t.steps, t.evalEvery, t.checkpointEvery];
    });
  assert.deepEqual(
    cells.map((c) => trainConfig(c).steps),
    [1000, 200],
    "d-steps: nCritic 5 → 1000 D steps are 200 G steps",
  );
  assert.deepEqual(schedule("d-steps"), [
    ["mnist-mlp-ns-s0", 1000, 500, 500],
    ["mnist-mlp-wgan-gp-s0", 200, 100, 100],
  ]);
  assert.deepEqual(schedule("g-steps"), [
    ["mnist-mlp-ns-s0", 1000, 500, 500],
    ["mnist-mlp-wgan-gp-s0", 1000, 500, 500],
  ]);
});

Deno.test("budget: the job cost counts G steps, so it follows the unit", () => {
  const [ns, wgan] = expandSpec(spec(["ns", "wgan"], { steps: 1000 }));
  // ns: 1000 G steps × 2 batches; wgan: 200 G steps × 6 batches.
  assert.equal(estimatedCost(wgan) / estimatedCost(ns), (200 * 6) / (1000 * 2));
  const [nsG, wganG] = expandSpec(
    spec(["ns", "wgan"], { steps: 1000, budget: "g-steps" }),
  );
  assert.equal(estimatedCost(nsG), estimatedCost(ns));
  assert.equal(estimatedCost(wganG) / estimatedCost(nsG), 3);
});

Deno.test("budget: a diverged cell's row records its D steps and the unit", () => {
  const [cell] = expandSpec(spec(["wgan"], {}));
  const identity = { cell: cell.id, budget_unit: cell.config.budget };
  const row = divergedRow(
    identity,
    {
      status: "diverged",
      step: 7,
      dSteps: 35,
      resumedFrom: 0,
      modelConfig: {} as ModelConfig, // not read by divergedRow
      trainSeconds: 1,
      imagesPerSecond: 1,
    },
    5 * 64,
    60000,
    1,
  );
  assert.deepEqual(
    [row.step, row.d_steps, row.images_seen, row.budget_unit, row.status],
    [7, 35, 35 * 64, "d-steps", "diverged"],
  );
});
