import { assert } from "../_assert.ts";
import { cellId, expandSpec, matchesPattern } from "../../src/spec/expand.ts";
import { BUILTIN_CONFIG } from "../../src/spec/defaults.ts";
import { tinySpec } from "../matrix/_helpers.ts";

Deno.test("expandSpec: datasets, then variants, then losses, then seeds, in spec order", () => {
  const cells = expandSpec(tinySpec({
    datasets: ["fashion", "mnist"],
    variants: ["dcgan", "mlp"],
    losses: ["hinge", "ns"],
    seeds: [3, 1],
  }));
  assert.deepEqual(cells.map((c) => c.id), [
    "fashion-dcgan-hinge-s3",
    "fashion-dcgan-hinge-s1",
    "fashion-dcgan-ns-s3",
    "fashion-dcgan-ns-s1",
    "fashion-mlp-hinge-s3",
    "fashion-mlp-hinge-s1",
    "fashion-mlp-ns-s3",
    "fashion-mlp-ns-s1",
    "mnist-dcgan-hinge-s3",
    "mnist-dcgan-hinge-s1",
    "mnist-dcgan-ns-s3",
    "mnist-dcgan-ns-s1",
    "mnist-mlp-hinge-s3",
    "mnist-mlp-hinge-s1",
    "mnist-mlp-ns-s3",
    "mnist-mlp-ns-s1",
  ]);
  const c = cells[0];
  assert.deepEqual(
    [c.dataset, c.variant, c.loss, c.seed],
    ["fashion", "dcgan", "hinge", 3],
  );
});

Deno.test("expandSpec: include adds cells, sorted among the spec's own, without duplicates", () => {
  const cells = expandSpec(tinySpec({
    variants: ["mlp"],
    losses: ["ns", "hinge"],
    seeds: [0],
    include: [
      { variant: "cgan", loss: "ns" },
      { variant: "mlp", loss: "wgan" }, // a new loss for an existing variant
      { variant: "mlp", loss: "ns" }, // already in the cross product
      { dataset: "cifar10", variant: "dcgan", loss: "ns" },
    ],
  }));
  assert.deepEqual(cells.map((c) => c.id), [
    "mnist-mlp-ns-s0",
    "mnist-mlp-hinge-s0",
    "mnist-mlp-wgan-s0",
    "mnist-cgan-ns-s0",
    "cifar10-dcgan-ns-s0",
  ]);
});

Deno.test("expandSpec: exclude removes matching cells", () => {
  const cells = expandSpec(tinySpec({
    exclude: [{ variant: "dcgan", loss: "hinge" }, { seed: 1, variant: "mlp" }],
  }));
  assert.deepEqual(cells.map((c) => c.id), [
    "mnist-mlp-ns-s0",
    "mnist-mlp-hinge-s0",
    "mnist-dcgan-ns-s0",
    "mnist-dcgan-ns-s1",
  ]);
});

Deno.test("expandSpec: built-in defaults, then defaults, then overrides in order", () => {
  const cells = expandSpec(tinySpec({
    defaults: {
      steps: 100,
      evalEvery: 10,
      checkpointEvery: 20,
      optimizer: { d: { learningRate: 1e-3, beta1: 0.5 } },
    },
    overrides: [
      { match: { variant: "dcgan" }, set: { steps: 200 } },
      {
        match: { variant: "dcgan", loss: ["hinge"] },
        set: { steps: 300, optimizer: { d: { learningRate: 2e-3 } } },
      },
      { match: { seed: 1 }, set: { batchSize: 32 } },
    ],
  }));
  const by = Object.fromEntries(cells.map((c) => [c.id, c.config]));
  assert.equal(by["mnist-mlp-ns-s0"].steps, 100);
  assert.equal(by["mnist-dcgan-ns-s0"].steps, 200);
  assert.equal(by["mnist-dcgan-hinge-s0"].steps, 300);
  assert.deepEqual(by["mnist-dcgan-hinge-s0"].optimizer, {
    d: { learningRate: 2e-3, beta1: 0.5 },
  });
  assert.deepEqual(by["mnist-mlp-ns-s0"].optimizer, {
    d: { learningRate: 1e-3, beta1: 0.5 },
  });
  assert.equal(by["mnist-mlp-ns-s1"].batchSize, 32);
  assert.equal(by["mnist-mlp-ns-s0"].batchSize, BUILTIN_CONFIG.batchSize);
  assert.equal(by["mnist-mlp-ns-s0"].nEval, BUILTIN_CONFIG.nEval);
  assert.equal(by["mnist-mlp-ns-s0"].criticNorm, "auto");
  // configs are independent objects
  by["mnist-mlp-ns-s0"].optimizer!.d!.learningRate = 9;
  assert.equal(by["mnist-mlp-hinge-s0"].optimizer!.d!.learningRate, 1e-3);
});

Deno.test("expandSpec: checkpointEvery must be 0 or a multiple of evalEvery", () => {
  assert.throws(
    () =>
      expandSpec(tinySpec({
        defaults: { evalEvery: 3, checkpointEvery: 5 },
        variants: ["mlp"],
        losses: ["ns"],
        seeds: [0],
      })),
    /^Error: spec tiny: mnist-mlp-ns-s0: checkpointEvery \(5\) must be 0 or a multiple of evalEvery \(3\)$/,
  );
  assert.equal(
    expandSpec(tinySpec({ defaults: { evalEvery: 3, checkpointEvery: 0 } }))
      .length,
    8,
  );
});

Deno.test("expandSpec: an empty matrix is an error", () => {
  assert.throws(
    () => expandSpec(tinySpec({ variants: [], include: [] })),
    /spec tiny: the matrix has no cells/,
  );
});

Deno.test("cellId and matchesPattern", () => {
  assert.equal(cellId("mnist", "mlp", "wgan-gp", 4), "mnist-mlp-wgan-gp-s4");
  const axes = { dataset: "mnist", variant: "mlp", loss: "ns", seed: 2 };
  assert.equal(matchesPattern({}, axes), true);
  assert.equal(matchesPattern({ seed: [1, 2] }, axes), true);
  assert.equal(matchesPattern({ seed: 1 }, axes), false);
  assert.equal(
    matchesPattern({ loss: ["hinge"], variant: "mlp" }, axes),
    false,
  );
});
