/**
 * Tests of the function-length scanner (`_tools/code_sizes.ts`).
 *
 * @module
 */
import { deepEqual } from "../_assert.ts";
import { functionSizes } from "../../_tools/code_sizes.ts";

Deno.test("code_sizes: functions, methods and arrows with their lengths", () => {
  const source = [
    "/** { not a brace */", // 1
    "export function alpha(a: number): number {", // 2
    '  const s = "}";', // 3
    "  return a;", // 4
    "}", // 5
    "class K {", // 6
    "  async #beta(x: string) {", // 7
    "    if (x) {", // 8
    "      return `${x}}`;", // 9
    "    }", // 10
    "  }", // 11
    "}", // 12
    "const gamma = (v: number) => {", // 13
    "  return v;", // 14
    "};", // 15
  ].join("\n");
  deepEqual(
    functionSizes(source).map((f) => [f.name, f.line, f.lines]),
    [["alpha", 2, 4], ["#beta", 7, 5], ["gamma", 13, 3]],
  );
});
