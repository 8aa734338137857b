import { assert } from "../_assert.ts";
import { applyOverrides } from "../../src/cli/_overrides.ts";
import { expandSpec } from "../../src/spec/expand.ts";
import { specHash } from "../../src/spec/hash.ts";
import { loadSpecFile } from "../../src/spec/spec.ts";
import { loadProfile } from "../../src/spec/profiles.ts";

/** The pre-issue-16 quick profile: include cells and per-cell budgets. */
const MIXED_BUDGETS = "tests/fixtures/specs/mixed_budgets.json";
import { tinySpec } from "../matrix/_helpers.ts";

Deno.test("applyOverrides: axis flags replace the axis; include kept only when it fits", async () => {
  const quick = await loadSpecFile(MIXED_BUDGETS);
  const ids = (flags: Parameters<typeof applyOverrides>[1]) =>
    expandSpec(applyOverrides(quick, flags)).map((c) => c.id);
  assert.deepEqual(ids({ losses: ["ns"] }), [
    "mnist-mlp-ns-s0",
    "mnist-cgan-ns-s0",
    "mnist-dcgan-ns-s0",
  ]);
  assert.deepEqual(ids({ variants: ["dcgan"], losses: ["ns", "hinge"] }), [
    "mnist-dcgan-ns-s0",
    "mnist-dcgan-hinge-s0",
  ]);
  assert.deepEqual(ids({ losses: ["hinge"] }), ["mnist-mlp-hinge-s0"]);
  assert.deepEqual(ids({ seeds: [1, 2], losses: ["wgan"] }), [
    "mnist-mlp-wgan-s1",
    "mnist-mlp-wgan-s2",
  ]);
  assert.equal(ids({ datasets: ["fashion"] }).length, 8);
  // the original spec is untouched
  assert.equal(expandSpec(quick).length, 8);
});

Deno.test("applyOverrides: numeric flags win over the spec's overrides", () => {
  const spec = tinySpec({
    overrides: [{ match: { variant: "dcgan" }, set: { steps: 999 } }],
  });
  const cells = expandSpec(
    applyOverrides(spec, {
      steps: 4,
      batchSize: 8,
      evalEvery: 2,
      nEval: 16,
      checkpointEvery: 0,
    }),
  );
  for (const c of cells) {
    assert.deepEqual(
      [
        c.config.steps,
        c.config.batchSize,
        c.config.evalEvery,
        c.config.nEval,
        c.config.checkpointEvery,
      ],
      [4, 8, 2, 16, 0],
    );
  }
  assert.notEqual(specHash(applyOverrides(spec, { steps: 4 })), specHash(spec));
  assert.equal(specHash(applyOverrides(spec, {})), specHash(spec));
});

Deno.test("applyOverrides: bad flag values are one-line errors naming the flag", () => {
  const spec = tinySpec();
  assert.throws(
    () => applyOverrides(spec, { steps: -1 }),
    /^Error: --steps: expected an integer >= 1, got -1$/,
  );
  assert.throws(
    () => applyOverrides(spec, { batchSize: 0 }),
    /--batch-size: expected an integer >= 1, got 0/,
  );
  assert.throws(
    () => applyOverrides(spec, { nEval: 1.5 }),
    /--n-eval: expected an integer >= 2/,
  );
  assert.throws(
    () => applyOverrides(spec, { variants: [] }),
    /--variants: expected at least one id/,
  );
  assert.throws(
    () => applyOverrides(spec, { losses: ["a/b"] }),
    /--losses: expected ids/,
  );
  assert.throws(
    () => applyOverrides(spec, { seeds: [-2] }),
    /--seeds: expected integers/,
  );
  assert.throws(
    () => applyOverrides(spec, { seeds: [1, 1] }),
    /--seeds: a seed is given twice/,
  );
});

Deno.test("applyOverrides: on a translation spec --datasets picks tasks and --losses objectives", async () => {
  const spec = await loadProfile("translation-smoke");
  const cells = expandSpec(
    applyOverrides(spec, { datasets: ["inpaint-mnist"], losses: ["l1"] }),
  );
  assert.deepEqual(cells.map((c) => c.id), ["inpaint-mnist-pix2pix-l1-s0"]);
  assert.throws(
    () => applyOverrides(spec, { variants: ["mlp"] }),
    /^Error: --variants: a translation spec has no variant axis/,
  );
});
