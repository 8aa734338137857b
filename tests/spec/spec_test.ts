import { assert } from "../_assert.ts";
import { loadSpecFile, parseSpec } from "../../src/spec/spec.ts";
import { BUILTIN_CONFIG } from "../../src/spec/defaults.ts";
import { expandSpec } from "../../src/spec/expand.ts";
import {
  listProfiles,
  loadProfile,
  resolveSpec,
} from "../../src/spec/profiles.ts";
import { ZOO } from "../matrix/_helpers.ts";
import { validateCells } from "../../src/spec/validate.ts";
import { trainConfig } from "../../src/matrix/cell_settings.ts";

const valid = {
  name: "t",
  datasets: ["mnist"],
  variants: ["mlp"],
  losses: ["ns"],
  seeds: [0],
};

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected an error");
}

Deno.test("parseSpec fills optional lists and keeps description", () => {
  const spec = parseSpec({ ...valid, description: "d" }, "t.json");
  assert.deepEqual(spec.overrides, []);
  assert.deepEqual(spec.include, []);
  assert.deepEqual(spec.exclude, []);
  assert.deepEqual(spec.defaults, {});
  assert.equal(spec.description, "d");
});

Deno.test("parseSpec: unknown key names the file and the key", () => {
  const msg = errorOf(() =>
    parseSpec({ ...valid, defaults: { stpes: 3 } }, "my.json")
  );
  assert.match(
    msg,
    /^my\.json: defaults\.stpes: unknown key \(accepted: steps, /,
  );
  assert.equal(msg.includes("\n"), false);
  assert.match(
    errorOf(() => parseSpec({ ...valid, colour: 1 }, "a.json")),
    /^a\.json: colour: unknown key/,
  );
  assert.match(
    errorOf(() =>
      parseSpec({
        ...valid,
        overrides: [{ match: { variant: "mlp", lr: 1 }, set: {} }],
      }, "a.json")
    ),
    /overrides\[0\]\.match\.lr: unknown key/,
  );
  assert.match(
    errorOf(() =>
      parseSpec({
        ...valid,
        defaults: { optimizer: { d: { learningRate: 1e-4, beta3: 0.9 } } },
      }, "a.json")
    ),
    /defaults\.optimizer\.d\.beta3: unknown key/,
  );
});

Deno.test("parseSpec: wrong types and negative numbers", () => {
  assert.match(
    errorOf(() => parseSpec({ ...valid, defaults: { steps: -5 } }, "a.json")),
    /^a\.json: defaults\.steps: expected a positive integer, got -5$/,
  );
  assert.match(
    errorOf(() => parseSpec({ ...valid, defaults: { steps: "10" } }, "a.json")),
    /defaults\.steps: expected a positive integer, got "10"/,
  );
  assert.match(
    errorOf(() =>
      parseSpec({ ...valid, defaults: { checkpointEvery: -1 } }, "a.json")
    ),
    /defaults\.checkpointEvery: expected a non-negative integer, got -1/,
  );
  assert.match(
    errorOf(() => parseSpec({ ...valid, seeds: [0, -1] }, "a.json")),
    /seeds\[1\]: expected an integer in \[0, 2\^32\), got -1/,
  );
  assert.match(
    errorOf(() => parseSpec({ ...valid, variants: "mlp" }, "a.json")),
    /variants: expected an array of ids, got "mlp"/,
  );
  assert.match(
    errorOf(() =>
      parseSpec({
        ...valid,
        defaults: { optimizer: { g: { learningRate: -1 } } },
      }, "a.json")
    ),
    /defaults\.optimizer\.g\.learningRate: expected a number > 0, got -1/,
  );
  assert.match(
    errorOf(() =>
      parseSpec({ ...valid, defaults: { criticNorm: "groupnorm" } }, "a.json")
    ),
    /criticNorm: expected one of auto, batchnorm, layernorm, none/,
  );
  assert.match(
    errorOf(() => parseSpec({ ...valid, name: undefined }, "a.json")),
    /a\.json: name: required/,
  );
  assert.match(
    errorOf(() => parseSpec({ ...valid, losses: ["ns", "ns"] }, "a.json")),
    /losses\[1\]: duplicate "ns"/,
  );
  assert.match(
    errorOf(() => parseSpec({ ...valid, variants: ["../x"] }, "a.json")),
    /variants\[0\]: expected an id/,
  );
  assert.match(
    errorOf(() => parseSpec({ ...valid, exclude: [{}] }, "a.json")),
    /exclude\[0\]: an empty pattern would exclude every cell/,
  );
  assert.match(
    errorOf(() => parseSpec({ ...valid, include: [{ loss: "ns" }] }, "a.json")),
    /include\[0\]\.variant: required/,
  );
  assert.match(
    errorOf(() => parseSpec([], "a.json")),
    /^a\.json: expected a JSON object/,
  );
});

Deno.test("parseSpec reports every problem on one line", () => {
  const msg = errorOf(() =>
    parseSpec({
      ...valid,
      seeds: [],
      defaults: { steps: 0, batchSize: 1.5 },
      extra: true,
    }, "m.json")
  );
  assert.equal(msg.includes("\n"), false);
  for (
    const key of ["extra", "seeds", "defaults.steps", "defaults.batchSize"]
  ) {
    assert.ok(msg.includes(`${key}: `), `${key} missing from: ${msg}`);
  }
});

Deno.test("loadSpecFile: missing file and invalid JSON name the file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await assert.rejects(
      loadSpecFile(`${dir}/none.json`),
      /none\.json: spec file not found/,
    );
    await Deno.writeTextFile(`${dir}/bad.json`, "{ name: ");
    await assert.rejects(
      loadSpecFile(`${dir}/bad.json`),
      /bad\.json: invalid JSON/,
    );
    await Deno.writeTextFile(
      `${dir}/ok.json`,
      JSON.stringify({ ...valid, defaults: { steps: 7 } }),
    );
    const spec = await resolveSpec(`${dir}/ok.json`);
    assert.equal(spec.defaults.steps, 7);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("built-in profiles load, expand and use only known ids", async () => {
  const names = await listProfiles();
  for (const n of ["smoke", "quick", "ci", "mnist", "fashion", "cifar10"]) {
    assert.ok(names.includes(n), `profile ${n} missing`);
  }
  for (const name of names) {
    const spec = await loadProfile(name);
    assert.equal(spec.name, name);
    validateCells(expandSpec(spec), ZOO);
  }
  await assert.rejects(
    loadProfile("nope"),
    /unknown profile "nope" \(accepted: ci, cifar10, /,
  );
});

Deno.test("profiles: quick compares every loss on mlp at equal D-step budgets, two seeds", async () => {
  const cells = expandSpec(await loadProfile("quick"));
  const losses = ["minimax", "ns", "lsgan", "wgan", "wgan-gp", "hinge"];
  assert.deepEqual(
    cells.map((c) => c.id),
    losses.flatMap((l) => [0, 1].map((s) => `mnist-mlp-${l}-s${s}`)),
  );
  for (const c of cells) {
    assert.equal(c.config.budget, "d-steps", c.id);
    assert.equal(c.config.steps, 2000, c.id);
    assert.equal(c.config.batchSize, 64);
    assert.equal(c.config.nEval, 2000);
    assert.equal(c.config.gEma, 0.99);
    // Every cell ends on an evaluation and checkpoints line up with them.
    assert.equal(c.config.steps % c.config.evalEvery, 0, c.id);
    assert.equal(c.config.checkpointEvery % c.config.evalEvery, 0, c.id);
  }
  // Equal D steps: the critic losses (n_critic 5) make a fifth of the G steps.
  const gSteps = Object.fromEntries(
    cells.filter((c) => c.seed === 0).map((
      c,
    ) => [c.loss, trainConfig(c).steps]),
  );
  assert.deepEqual(gSteps, {
    minimax: 2000,
    ns: 2000,
    lsgan: 2000,
    wgan: 400,
    "wgan-gp": 400,
    hinge: 2000,
  });
});

Deno.test("profiles: ci is mlp × ns, hinge with four seeds, one evaluation", async () => {
  const cells = expandSpec(await loadProfile("ci"));
  assert.deepEqual(
    cells.map((c) => c.id),
    ["ns", "hinge"].flatMap((l) =>
      [0, 1, 2, 3].map((s) => `mnist-mlp-${l}-s${s}`)
    ),
  );
  for (const c of cells) {
    assert.equal(c.config.steps, 600);
    assert.equal(c.config.evalEvery, 600);
    assert.equal(c.config.nEval, 1000);
    assert.equal(c.config.memorisation, "off");
  }
});

Deno.test("profiles: the Lucic et al. protocol", async () => {
  for (
    const [name, steps] of [["mnist", 18750], ["fashion", 18750], [
      "cifar10",
      78125,
    ]] as const
  ) {
    const cells = expandSpec(await loadProfile(name));
    assert.equal(cells.length, 5 * 6 * 5, name);
    for (const c of cells) {
      assert.equal(c.config.steps, steps);
      assert.equal(c.config.batchSize, 64);
      assert.equal(c.config.nEval, 10000);
      assert.equal(
        steps % c.config.evalEvery,
        0,
        "the last step is an evaluation step",
      );
    }
    assert.deepEqual([...new Set(cells.map((c) => c.seed))], [0, 1, 2, 3, 4]);
  }
  // 20 epochs of 60000 images at batch 64; 100 epochs of 50000.
  assert.equal(18750 * 64, 20 * 60000);
  assert.equal(78125 * 64, 100 * 50000);
});

Deno.test("profiles: smoke covers mlp and dcgan with ns and a critic loss on a small N", async () => {
  const cells = expandSpec(await loadProfile("smoke"));
  assert.deepEqual([...new Set(cells.map((c) => c.variant))], ["mlp", "dcgan"]);
  const losses = [...new Set(cells.map((c) => c.loss))];
  assert.ok(losses.includes("ns"));
  assert.ok(losses.includes("wgan-gp") || losses.includes("hinge"));
  for (const c of cells) {
    assert.ok(c.config.steps <= 100);
    assert.ok(c.config.nEval <= 512);
    assert.ok(c.config.nNeighbourPool <= 1000);
    assert.ok(c.config.steps % c.config.evalEvery === 0);
  }
  assert.equal(BUILTIN_CONFIG.nEquilibrium, 512);
});

Deno.test("parseSpec accepts every field of a full spec", () => {
  const spec = parseSpec({
    ...valid,
    defaults: {
      steps: 1,
      batchSize: 2,
      evalEvery: 1,
      checkpointEvery: 0,
      nEval: 2,
      nEquilibrium: 2,
      nNeighbour: 1,
      nNeighbourPool: 1,
      nSsimPairs: 1,
      kidSubsets: 1,
      kidSubsetSize: 2,
      isSplits: 1,
      gridSize: 1,
      criticNorm: "layernorm",
      evaluator: "inception-v3",
      nCritic: 5,
      gradientPenalty: 10,
      clip: 0.01,
      optimizer: {
        d: {
          kind: "rmsprop",
          learningRate: 5e-5,
          decay: 0.9,
          epsilon: 1e-8,
        },
        g: { kind: "adam", learningRate: 1e-4, beta1: 0.5, beta2: 0.9 },
      },
    },
    overrides: [{ match: { variant: ["mlp"], seed: [0] }, set: { steps: 2 } }],
    include: [{ dataset: "mnist", variant: "dcgan", loss: "ns" }],
    exclude: [{ loss: "wgan" }],
  }, "full.json");
  assert.equal(spec.defaults.optimizer?.d?.kind, "rmsprop");
  assert.throws(
    () =>
      parseSpec(
        { ...valid, defaults: { optimizer: { d: { beta1: 1 } } } },
        "x",
      ),
    /beta1: expected a number ≥ 0 and < 1, got 1/,
  );
});

Deno.test("parseSpec: optimizer kinds and settings are the trainer's", () => {
  const optimizerError = (d: Record<string, unknown>) =>
    errorOf(() =>
      parseSpec({ ...valid, defaults: { optimizer: { d } } }, "a.json")
    );
  assert.equal(
    optimizerError({ kind: "sgd", learningRate: 0.1 }),
    'a.json: defaults.optimizer.d.kind: expected one of adam, rmsprop, got "sgd"',
  );
  assert.equal(
    optimizerError({ kind: "rmsprop", momentum: 0.9 }),
    "a.json: defaults.optimizer.d.momentum: unknown key (accepted: kind, learningRate, beta1, beta2, epsilon, decay)",
  );
  assert.equal(
    optimizerError({ kind: "rmsprop", beta1: 0.5 }),
    "a.json: defaults.optimizer.d.beta1: not read by rmsprop (its settings: learningRate, decay, epsilon)",
  );
  assert.equal(
    optimizerError({ kind: "adam", decay: 0.9, beta2: 0.9 }),
    "a.json: defaults.optimizer.d.decay: not read by adam (its settings: learningRate, beta1, beta2, epsilon)",
  );
  // The same rules hold in an override's `set`.
  assert.match(
    errorOf(() =>
      parseSpec({
        ...valid,
        overrides: [{ match: {}, set: { optimizer: { g: { kind: "sgd" } } } }],
      }, "a.json")
    ),
    /^a\.json: overrides\[0\]\.set\.optimizer\.g\.kind: expected one of adam, rmsprop, got "sgd"$/,
  );
  // Without a kind, a setting of either kind is accepted here; the cell
  // checks hold it against the loss's default kind.
  const spec = parseSpec(
    { ...valid, defaults: { optimizer: { d: { beta1: 0.5, decay: 0.9 } } } },
    "a.json",
  );
  assert.deepEqual(spec.defaults.optimizer, { d: { beta1: 0.5, decay: 0.9 } });
});
