import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { join } from "node:path";
import { assert } from "../_assert.ts";
import { trainTiny } from "../fixtures/evaluators/tiny_training.ts";
import { md5Hex } from "../../src/data/checksum.ts";
import {
  defaultWeightsDir,
  defaultWeightsRoot,
  evaluatorIdFor,
} from "../../src/metrics/evaluators/paths.ts";
import {
  EvaluatorOutputError,
  resolveEvaluatorOutput,
} from "../../src/metrics/evaluators/train_options.ts";

await tf.setBackend("cpu");
await tf.ready();

/** md5 of each file of a directory, by name. */
function digest(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of Deno.readDirSync(dir)) {
    out[e.name] = md5Hex(Deno.readFileSync(join(dir, e.name)));
  }
  return out;
}

Deno.test("trainEvaluator: by default writes a new directory in the cache under a new id, not the shipped weights", async () => {
  const shipped = defaultWeightsDir("synthetic");
  const before = digest(shipped);
  const cache = await Deno.makeTempDir({ prefix: "ganbench-evalout-" });
  try {
    const manifest = await trainTiny({}, cache);
    assert.match(manifest.id, /^ganbench-synthetic-local-s1-\d{8}T\d{6}Z$/);
    const dir = join(cache, "evaluators", manifest.id);
    assert.deepEqual(
      JSON.parse(Deno.readTextFileSync(join(dir, "manifest.json"))),
      manifest,
    );
    assert.deepEqual(digest(shipped), before, "shipped weights untouched");
  } finally {
    await Deno.remove(cache, { recursive: true });
  }
});

/** A fake weights root whose `synthetic` evaluator is `shipped-synth-v1`. */
async function fakeRoot(): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "ganbench-weights-" });
  await Deno.mkdir(join(root, "synthetic"));
  await Deno.writeTextFile(
    join(root, "synthetic", "manifest.json"),
    JSON.stringify({ id: "shipped-synth-v1", dataset: "synthetic" }),
  );
  return root;
}

Deno.test("resolveEvaluatorOutput: the shipped weights and id are refused unless replacing is asked for with a new id", async () => {
  const root = await fakeRoot();
  const elsewhere = await Deno.makeTempDir({ prefix: "ganbench-out-" });
  const base = { dataset: "synthetic" as const, weightsRoot: root };
  const refused = async (
    options: Partial<Parameters<typeof resolveEvaluatorOutput>[0]>,
    problem: string,
    message: RegExp,
  ) => {
    const error = await resolveEvaluatorOutput({ ...base, ...options }).then(
      () => null,
      (e) => e,
    );
    assert.ok(error instanceof EvaluatorOutputError, String(error));
    assert.equal(error.problem, problem);
    assert.match(error.message, message);
    assert.ok(!error.message.includes("\n"), "one line");
  };
  try {
    const shippedDir = join(root, "synthetic");
    await refused(
      { outDir: shippedDir },
      "shipped-dir",
      /synthetic is inside the shipped evaluator weights/,
    );
    await refused({ outDir: join(root, "new-set") }, "shipped-dir", /inside/);
    // A link into the weights counts as inside.
    // (`ln`: Deno.symlink needs unscoped write permission.)
    const ln = await new Deno.Command("ln", {
      args: ["-s", root, join(elsewhere, "link")],
    }).output();
    assert.ok(ln.success, new TextDecoder().decode(ln.stderr));
    await refused(
      { outDir: join(elsewhere, "link", "synthetic") },
      "shipped-dir",
      /inside/,
    );
    await refused(
      { outDir: join(elsewhere, "a"), id: "shipped-synth-v1" },
      "shipped-id",
      /evaluator id shipped-synth-v1 is the shipped synthetic evaluator's/,
    );
    // The id the current EVALUATOR_VERSION gives the data set is reserved.
    await refused(
      { id: evaluatorIdFor("synthetic") },
      "shipped-id",
      /needs? a new id/,
    );
    await refused({ id: "../x" }, "bad-id", /evaluator id "\.\.\/x"/);
    await refused(
      { replaceShipped: true },
      "replace-needs-id",
      /replacing the shipped synthetic evaluator \(shipped-synth-v1\) needs a new evaluator id/,
    );
    await refused(
      { replaceShipped: true, id: "shipped-synth-v1" },
      "shipped-id",
      /new id/,
    );
    await refused(
      { replaceShipped: true, id: "synth-v2", outDir: elsewhere },
      "replace-elsewhere",
      /writes to .*synthetic, not /,
    );
    assert.deepEqual(
      await resolveEvaluatorOutput({
        ...base,
        replaceShipped: true,
        id: "synth-v2",
      }),
      { outDir: shippedDir, id: "synth-v2", replacesShipped: true },
    );
    assert.deepEqual(
      await resolveEvaluatorOutput({
        ...base,
        outDir: join(elsewhere, "mine"),
      }, new Date(Date.UTC(2026, 11, 2, 13, 5, 9))),
      {
        outDir: join(elsewhere, "mine"),
        id: "ganbench-synthetic-local-s1-20261202T130509Z",
        replacesShipped: false,
      },
    );
    // The real weights root is the default one.
    await refused(
      { weightsRoot: undefined, outDir: defaultWeightsDir("mnist") },
      "shipped-dir",
      new RegExp(
        `inside the shipped evaluator weights \\(${defaultWeightsRoot()}`,
      ),
    );
  } finally {
    await Deno.remove(root, { recursive: true });
    await Deno.remove(elsewhere, { recursive: true });
  }
});

Deno.test("trainEvaluator: replacing a shipped evaluator writes its directory under the new id", async () => {
  const root = await fakeRoot();
  const cache = await Deno.makeTempDir({ prefix: "ganbench-evalout-" });
  try {
    await assert.rejects(
      trainTiny({ weightsRoot: root, outDir: join(root, "synthetic") }, cache),
      /inside the shipped evaluator weights/,
    );
    await assert.rejects(
      trainTiny({ weightsRoot: root, replaceShipped: true }, cache),
      /needs a new evaluator id/,
    );
    const manifest = await trainTiny(
      { weightsRoot: root, replaceShipped: true, id: "synth-v2" },
      cache,
    );
    assert.equal(manifest.id, "synth-v2");
    assert.deepEqual(
      JSON.parse(
        Deno.readTextFileSync(join(root, "synthetic", "manifest.json")),
      ),
      manifest,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
    await Deno.remove(cache, { recursive: true });
  }
});
