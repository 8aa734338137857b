/**
 * The translation form of a spec: parsing (mixed forms and zoo-only
 * settings refused), expansion onto the identity columns, validation of
 * tasks, objectives and sizes, the command-line overrides and the hash.
 */
import { assert } from "../_assert.ts";
import { parseSpec } from "../../src/spec/spec.ts";
import { expandSpec } from "../../src/spec/expand.ts";
import { findCellProblems, validateCells } from "../../src/spec/validate.ts";
import { specHash } from "../../src/spec/hash.ts";
import { loadProfile } from "../../src/spec/profiles.ts";
import { isId } from "../../src/spec/schema.ts";
import { applyOverrides } from "../../src/cli/_overrides.ts";
import { ZOO } from "../matrix/_helpers.ts";

const BASE = {
  name: "tr",
  tasks: ["inpaint-mnist", "colorize-cifar10"],
  objectives: ["l1", "l1-lsgan"],
  seeds: [0, 1],
  defaults: { steps: 20, evalEvery: 10, checkpointEvery: 10 },
};

Deno.test("translation spec: expands task × objective × seed onto the identity columns", () => {
  const cells = expandSpec(parseSpec(BASE, "tr.json"));
  assert.deepEqual(cells.map((c) => c.id), [
    "inpaint-mnist-pix2pix-l1-s0",
    "inpaint-mnist-pix2pix-l1-s1",
    "inpaint-mnist-pix2pix-l1-lsgan-s0",
    "inpaint-mnist-pix2pix-l1-lsgan-s1",
    "colorize-cifar10-pix2pix-l1-s0",
    "colorize-cifar10-pix2pix-l1-s1",
    "colorize-cifar10-pix2pix-l1-lsgan-s0",
    "colorize-cifar10-pix2pix-l1-lsgan-s1",
  ]);
  const c = cells[2];
  assert.deepEqual([c.dataset, c.variant, c.loss, c.seed], [
    "inpaint-mnist",
    "pix2pix",
    "l1-lsgan",
    0,
  ]);
  assert.equal(c.translation?.batchSize, 16);
  assert.equal(c.translation?.l1Weight, 100);
  assert.equal(c.config.budget, "g-steps");
  assert.equal(c.config.steps, 20);
  assert.ok(cells.every((cell) => isId(cell.id)));
  // Valid under the zoo's accepted ids too: translation cells have their own.
  assert.deepEqual(findCellProblems(cells, ZOO), []);
});

Deno.test("translation spec: overrides match task / objective and set translation keys", () => {
  const spec = parseSpec({
    ...BASE,
    overrides: [{
      match: { objective: "l1", task: "inpaint-mnist" },
      set: { nLayers: 1, l1Weight: 10 },
    }],
  }, "tr.json");
  const cells = expandSpec(spec);
  assert.deepEqual(
    cells.map((c) => `${c.translation?.nLayers}/${c.translation?.l1Weight}`),
    ["1/10", "1/10", "2/100", "2/100", "2/100", "2/100", "2/100", "2/100"],
  );
});

Deno.test("translation spec: a spec of both forms, zoo settings and d-images are refused in one line", () => {
  assert.throws(
    () =>
      parseSpec({
        ...BASE,
        datasets: ["mnist"],
        defaults: { nCritic: 5, budget: "d-images" },
      }, "mixed.json"),
    (e: Error) => {
      assert.equal(
        e.message,
        "mixed.json: datasets: a spec is either the zoo form (datasets × variants × losses) or the translation form (tasks × objectives), not both; defaults.nCritic: unknown key (accepted: steps, budget, batchSize, evalEvery, checkpointEvery, nEval, gridSize, evaluator, l1Weight, nLayers, widthMultiplier); defaults.budget: d-images is not a translation budget: each step is one G and one D update on one batch (use g-steps)",
      );
      return true;
    },
  );
  assert.throws(
    () => parseSpec({ ...BASE, objectives: undefined }, "o.json"),
    /^Error: o\.json: objectives: required$/,
  );
});

Deno.test("translation spec: unknown tasks and objectives, deep PatchGANs and oversized sizes are listed at once", () => {
  const cells = expandSpec(parseSpec({
    ...BASE,
    tasks: ["inpaint-mnist", "colorize-svhn"],
    objectives: ["l1", "l1-gan", "gan-bce"],
    defaults: { nLayers: 4, nEval: 20000, gridSize: 4 },
  }, "bad.json"));
  assert.throws(
    () => validateCells(cells, ZOO),
    (e: Error) => {
      assert.equal(
        e.message,
        "invalid matrix (5 problems): unknown task 'colorize-svhn' (accepted: colorize-cifar10, superres4-cifar10, inpaint-mnist, edges2fashion); " +
          "unknown objective 'l1-gan' (accepted: l1, l1-lsgan, l1-bce, gan-lsgan, gan-bce); " +
          "inpaint-mnist × l1: nEval 20000 exceeds the mnist test split (10000 images); " +
          "inpaint-mnist × gan-bce: nLayers 4 leaves no PatchGAN map at 28×28; " +
          "inpaint-mnist × gan-bce: nEval 20000 exceeds the mnist test split (10000 images)",
      );
      return true;
    },
  );
});

Deno.test("translation spec: command-line overrides apply, and the hash ignores stated defaults", async () => {
  const spec = await loadProfile("translation-smoke");
  const flagged = applyOverrides(spec, { steps: 4, evalEvery: 2 });
  const cells = expandSpec(flagged);
  assert.ok(cells.every((c) => c.translation?.steps === 4));
  assert.ok(cells.every((c) => c.translation?.checkpointEvery === 10));
  assert.notEqual(specHash(flagged), specHash(spec));
  const stated = { ...spec, defaults: { ...spec.defaults, l1Weight: 100 } };
  assert.equal(specHash(stated), specHash(spec));
  // The zoo's hash is untouched by the translation keys.
  const zoo = await loadProfile("smoke");
  assert.equal(zoo.tasks, undefined);
});
