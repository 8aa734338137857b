import { assert } from "../_assert.ts";
import { findCellProblems, validateCells } from "../../src/spec/validate.ts";
import { expandSpec } from "../../src/spec/expand.ts";
import { tinySpec, ZOO } from "../matrix/_helpers.ts";

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
