/**
 * Tests of the layer check (`_tools/check_layers.ts`, run by `deno task ok`):
 * the real `src/` passes, and a deliberate back-import in a scratch tree is
 * reported with its file and line.
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { deepEqual, equal } from "../_assert.ts";
import {
  checkLayers,
  packageOf,
  relativeImports,
} from "../../_tools/check_layers.ts";

Deno.test("check_layers: src/ imports only downward", () => {
  const src = fileURLToPath(new URL("../../src", import.meta.url));
  const { violations, files } = checkLayers(src);
  deepEqual(violations, []);
  equal(files > 50, true);
});

Deno.test("check_layers: a back-import is reported with file and line", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(join(dir, "low"));
    await Deno.mkdir(join(dir, "high"));
    await Deno.writeTextFile(
      join(dir, "high", "a.ts"),
      "export const a = 1;\n",
    );
    await Deno.writeTextFile(
      join(dir, "low", "b.ts"),
      '// import { a } from "../high/a.ts"; (a comment is not an import)\n' +
        'import { a } from "../high/a.ts";\nexport const b = a;\n',
    );
    const { violations, edges } = checkLayers(dir, ["low", "high"]);
    // Files are named from the folder above src/ (here the temp folder).
    const withoutRoot = violations.map((v) => ({
      ...v,
      file: v.file.split("/").slice(1).join("/"),
    }));
    deepEqual(withoutRoot, [{
      file: "low/b.ts",
      line: 2,
      from: "low",
      to: "high",
    }]);
    deepEqual([...edges], ["low -> high"]);
    // Reversed order: the same import is downward.
    equal(checkLayers(dir, ["high", "low"]).violations.length, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("check_layers: nested packages and import forms", () => {
  equal(packageOf("metrics/evaluators/load.ts"), "metrics/evaluators");
  equal(packageOf("metrics/fid.ts"), "metrics");
  equal(packageOf("mod.ts"), undefined);
  deepEqual(
    relativeImports(
      'import type { X } from "./x.ts";\nexport { y } from "../y.ts";\nawait import("./z.ts");\n/** import "./no.ts" */\n',
    ),
    [
      { specifier: "./x.ts", line: 1 },
      { specifier: "../y.ts", line: 2 },
      { specifier: "./z.ts", line: 3 },
    ],
  );
});
