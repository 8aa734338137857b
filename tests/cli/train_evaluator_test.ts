import { join } from "node:path";
import { assert } from "../_assert.ts";
import { md5Hex } from "../../src/data/checksum.ts";
import { main } from "../../src/cli/main.ts";
import { defaultWeightsDir } from "../../src/metrics/evaluators/paths.ts";

/** Runs the CLI, returning its exit code and what it wrote to stderr. */
async function cli(args: string[]): Promise<{ code: number; err: string }> {
  const lines: string[] = [];
  const error = console.error;
  console.error = (...parts: unknown[]) => void lines.push(parts.join(" "));
  try {
    return { code: await main(args), err: lines.join("\n") };
  } finally {
    console.error = error;
  }
}

Deno.test("train-evaluator CLI: the shipped weights are refused before anything trains, in one line with exit 2", async () => {
  const shipped = defaultWeightsDir("mnist");
  const before = md5Hex(Deno.readFileSync(join(shipped, "weights.bin")));
  for (
    const [args, message] of [
      [
        ["--out", shipped],
        /^ganbench train-evaluator: --out .*mnist: is inside the shipped evaluator weights; write elsewhere, or replace the shipped mnist evaluator with --replace-shipped --id NEW-ID$/,
      ],
      [
        ["--replace-shipped"],
        /^ganbench train-evaluator: --replace-shipped: needs --id NEW-ID \(the shipped mnist evaluator is ganbench-mnist-v2\)$/,
      ],
      [
        ["--replace-shipped", "--id", "ganbench-mnist-v2"],
        /^ganbench train-evaluator: --id ganbench-mnist-v2: is the shipped mnist evaluator's id; retrained weights need a new id$/,
      ],
      [
        ["--trunk-from", "/tmp/a", "--calibrate-from", "/tmp/b"],
        /^ganbench train-evaluator: --trunk-from and --calibrate-from: give one \(--calibrate-from trains nothing\)$/,
      ],
      [
        ["--id", "a/b"],
        /^ganbench train-evaluator: --id "a\/b": use letters, digits/,
      ],
      [
        // The tests may write only under results, .cache and /tmp.
        ["--out", "/var/tmp/ganbench-evaluator"],
        /^ganbench train-evaluator: --out \/var\/tmp\/ganbench-evaluator: no permission to write there \(.*--allow-write=\/var\/tmp\/ganbench-evaluator\)$/,
      ],
      [
        ["--replace-shipped", "--id", "mnist-v2", "--out", "/tmp/x"],
        /^ganbench train-evaluator: --replace-shipped writes to .*mnist: drop --out \/tmp\/x$/,
      ],
    ] as const
  ) {
    const { code, err } = await cli([
      "train-evaluator",
      "--dataset",
      "mnist",
      ...args,
    ]);
    assert.equal(code, 2, `${args.join(" ")}: ${err}`);
    assert.match(err, message);
  }
  assert.equal(
    md5Hex(Deno.readFileSync(join(shipped, "weights.bin"))),
    before,
  );
});
