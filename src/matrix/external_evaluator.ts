/**
 * Reading the external evaluator a cell names (its `evaluator` setting is a
 * file instead of `default`): a TF.js `model.json`, or a JSON spec that
 * points at one and says which outputs and input size to use.
 *
 * @module
 */
import { dirname, join } from "node:path";
import type { ExternalModelSpec } from "../metrics/evaluators/types.ts";
import { errorText } from "../util/errors.ts";

/**
 * The external evaluator named by a cell's `evaluator` setting: a TF.js
 * `model.json` (outputs named `features` and `logits`), or a JSON spec
 * `{ "path": "model.json", "featureOutput": …, "logitsOutput" | "probabilitiesOutput": …, "inputSize": [h, w], "inputRange": [lo, hi] }`
 * whose `path` is relative to the spec file.
 *
 * @param file The evaluator file named by the spec or the command line.
 * @returns What `loadEvaluator` takes.
 * @throws Error `evaluator <file>: cannot read JSON (…)`.
 * @example
 * ```ts
 * import { externalEvaluator } from "./external_evaluator.ts";
 * const spec = await externalEvaluator("models/inception/evaluator.json");
 * console.log(spec.path); // models/inception/model.json, say
 * ```
 */
export async function externalEvaluator(
  file: string,
): Promise<ExternalModelSpec> {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(await Deno.readTextFile(file));
  } catch (error) {
    throw new Error(
      `evaluator ${file}: cannot read JSON (${errorText(error)})`,
    );
  }
  if (typeof json.path !== "string") return { path: file };
  return {
    ...(json as unknown as ExternalModelSpec),
    path: join(dirname(file), json.path),
  };
}
