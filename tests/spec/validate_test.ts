import { assert } from "../_assert.ts";
import { findCellProblems, validateCells } from "../../src/spec/validate.ts";
import type { LossDefaults } from "../../src/spec/loss_settings.ts";
import { expandSpec } from "../../src/spec/expand.ts";
import { tinySpec, ZOO } from "../matrix/_helpers.ts";
import { listProfiles, loadProfile } from "../../src/spec/profiles.ts";
import { getLoss, LOSS_IDS } from "../../src/losses/registry.ts";

Deno.test("validateCells: every unknown id is reported once, all at once", () => {
  const cells = expandSpec(tinySpec({
    datasets: ["mnist", "svhn"],
    variants: ["mlp", "stylegan"],
    losses: ["ns", "relativistic"],
  }));
  const problems = findCellProblems(cells, ZOO);
  assert.deepEqual(problems, [
    "unknown dataset 'svhn' (accepted: mnist, fashion, cifar10, synthetic)",
    "unknown variant 'stylegan' (accepted: mlp, dcgan, cgan, cdcgan, patchgan)",
    "unknown loss 'relativistic' (accepted: minimax, ns, lsgan, wgan, wgan-gp, hinge)",
  ]);
  assert.throws(
    () => validateCells(cells, ZOO),
    (e: Error) => {
      assert.match(
        e.message,
        /^invalid matrix \(3 problems\): unknown dataset 'svhn'/,
      );
      assert.equal(e.message.includes("\n"), false);
      return true;
    },
  );
});

Deno.test("validateCells: incompatible combinations are listed once per (dataset, variant, loss)", () => {
  const cells = expandSpec(tinySpec({
    datasets: ["mnist", "cifar10"],
    variants: ["mlp", "patchgan"],
    losses: ["ns", "wgan"],
    seeds: [0, 1, 2],
  }));
  const calls: string[] = [];
  const problems = findCellProblems(cells, {
    ...ZOO,
    isCompatible: (variant, loss, dataset) => {
      calls.push(`${dataset}/${variant}/${loss}`);
      if (variant === "patchgan" && loss === "wgan") {
        return "weight clipping is not supported with a patch critic";
      }
      return null;
    },
  });
  assert.deepEqual(problems, [
    "patchgan × wgan on mnist: weight clipping is not supported with a patch critic",
    "patchgan × wgan on cifar10: weight clipping is not supported with a patch critic",
  ]);
  assert.equal(calls.length, 8, "once per combination, not per seed");
});

Deno.test("validateCells: a valid matrix passes", () => {
  validateCells(expandSpec(tinySpec()), { ...ZOO, isCompatible: () => null });
});

/** What the loss registry says of the losses the tests use. */
const LOSS_DEFAULTS: Record<string, LossDefaults> = {
  ns: { optimizer: { name: "adam" } },
  hinge: { optimizer: { name: "adam" } },
  wgan: { optimizer: { name: "rmsprop" }, clip: 0.01 },
  "wgan-gp": { optimizer: { name: "adam" }, gradientPenalty: 10 },
};
const WITH_LOSSES = {
  ...ZOO,
  losses: Object.keys(LOSS_DEFAULTS),
  lossDefaults: (id: string) => LOSS_DEFAULTS[id],
};

Deno.test("validateCells: settings the loss would refuse or ignore are problems", () => {
  const cells = expandSpec(tinySpec({
    variants: ["mlp"],
    losses: ["ns", "wgan", "wgan-gp"],
    seeds: [0],
    overrides: [
      { match: { loss: "ns" }, set: { clip: 0.05, gradientPenalty: 1 } },
      { match: { loss: "wgan-gp" }, set: { criticNorm: "batchnorm" } },
      { match: {}, set: { optimizer: { g: { beta2: 0.99 } } } },
    ],
  }));
  assert.deepEqual(findCellProblems(cells, WITH_LOSSES), [
    "mnist-mlp-ns-s0: clip: ns does not clip weights (losses that do: wgan)",
    "mnist-mlp-ns-s0: gradientPenalty: ns has no gradient penalty (losses that do: wgan-gp)",
    "mnist-mlp-wgan-s0: optimizer.g.beta2: not read by rmsprop, the wgan default (its settings: learningRate, decay, epsilon)",
    "mnist-mlp-wgan-gp-s0: criticNorm: batchnorm is refused with wgan-gp: a gradient-penalty critic must not use BatchNorm (accepted: auto, layernorm, none)",
  ]);
  assert.throws(
    () => validateCells(cells, WITH_LOSSES),
    /^Error: invalid matrix \(4 problems\): mnist-mlp-ns-s0: clip: /,
  );
});

Deno.test("validateCells: an optimizer kind set in defaults meets a setting set in an override", () => {
  const cells = expandSpec(tinySpec({
    losses: ["ns"],
    defaults: {
      steps: 10,
      evalEvery: 5,
      optimizer: { d: { kind: "rmsprop" } },
    },
    overrides: [{ match: {}, set: { optimizer: { d: { beta1: 0.5 } } } }],
  }));
  assert.deepEqual(findCellProblems(cells, WITH_LOSSES), [
    "mnist-mlp-ns-s0 and 3 more cells: optimizer.d.beta1: not read by rmsprop (its settings: learningRate, decay, epsilon)",
  ]);
  // Switching kind makes the setting valid; the loss default's own
  // settings (beta1 of ns's Adam) are not the spec's concern.
  const ok = expandSpec(tinySpec({
    losses: ["ns", "wgan"],
    defaults: { optimizer: { d: { kind: "adam", beta1: 0.5 } } },
  }));
  assert.deepEqual(findCellProblems(ok, WITH_LOSSES), []);
  // Without lossDefaults, only the ids are checked.
  assert.deepEqual(findCellProblems(cells, ZOO), []);
});

Deno.test("validateCells: the built-in profiles pass with the real loss registry", async () => {
  const accepted = { ...ZOO, losses: LOSS_IDS, lossDefaults: getLoss };
  for (const name of await listProfiles()) {
    const cells = expandSpec(await loadProfile(name));
    assert.deepEqual(findCellProblems(cells, accepted), [], name);
  }
  // The table above says what the registry says.
  for (const [id, facts] of Object.entries(LOSS_DEFAULTS)) {
    const loss = getLoss(id);
    assert.equal(loss.optimizer.name, facts.optimizer.name, id);
    assert.equal(loss.clip !== undefined, facts.clip !== undefined, id);
    assert.equal(
      loss.gradientPenalty !== undefined,
      facts.gradientPenalty !== undefined,
      id,
    );
  }
});
