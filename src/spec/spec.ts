/**
 * Parsing and validation of matrix specs: unknown keys, wrong types and
 * out-of-range numbers are reported together, on one line that names the
 * file and every offending key, before anything runs. The field checks are
 * those of `schema.ts`; the settings rules are those of `config_rules.ts`.
 *
 * @module
 */
import { readJsonFile } from "../util/json.ts";
import { checkConfigPatch } from "./config_rules.ts";
import { checkTranslationPatch } from "./translation_config.ts";
import {
  checkArray,
  checkIdList,
  checkKeys,
  describe,
  isId,
  isObject,
  Problems,
} from "./schema.ts";
import type {
  CellPattern,
  ConfigPatch,
  IncludeCell,
  MatrixSpec,
  Override,
} from "./types.ts";

/** Checks a `defaults` or `overrides[].set` patch of one spec form. */
type PatchCheck = (v: unknown, path: string, problems: Problems) => ConfigPatch;

const SPEC_KEYS = [
  "name",
  "description",
  "datasets",
  "variants",
  "losses",
  "seeds",
  "defaults",
  "overrides",
  "include",
  "exclude",
  "tasks",
  "objectives",
];
const PATTERN_KEYS = ["dataset", "variant", "loss", "seed"];
const INCLUDE_KEYS = ["dataset", "variant", "loss"];
const ID_TEXT = "expected an id (letters, digits, _ . -)";

function isSeed(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 &&
    value < 2 ** 32;
}

function checkSeedList(
  value: unknown,
  path: string,
  problems: Problems,
): number[] {
  if (!Array.isArray(value)) {
    problems.add(path, `expected an array of seeds, got ${describe(value)}`);
    return [];
  }
  if (value.length === 0) problems.add(path, "expected at least one seed");
  const out: number[] = [];
  value.forEach((item, i) => {
    if (!isSeed(item)) {
      problems.add(
        `${path}[${i}]`,
        `expected an integer in [0, 2^32), got ${describe(item)}`,
      );
    } else if (out.includes(item)) {
      problems.add(`${path}[${i}]`, `duplicate seed ${item}`);
    } else {
      out.push(item);
    }
  });
  return out;
}

function checkPattern(
  given: unknown,
  path: string,
  problems: Problems,
  translation = false,
): CellPattern {
  if (!isObject(given)) {
    problems.add(path, `expected an object, got ${describe(given)}`);
    return {};
  }
  // A translation pattern may say task / objective for dataset / loss.
  const value = translation ? aliasPattern(given) : given;
  checkKeys(
    value,
    translation ? [...PATTERN_KEYS, "task", "objective"] : PATTERN_KEYS,
    path,
    problems,
  );
  const out: CellPattern = {};
  for (const key of ["dataset", "variant", "loss"] as const) {
    const v = value[key];
    if (v === undefined) continue;
    if (isId(v)) out[key] = v;
    else if (Array.isArray(v)) {
      out[key] = checkIdList(v, `${path}.${key}`, problems, false);
    } else {
      problems.add(
        `${path}.${key}`,
        `expected an id or an array of ids, got ${describe(v)}`,
      );
    }
  }
  const seed = value.seed;
  if (seed === undefined) return out;
  if (isSeed(seed)) out.seed = seed;
  else if (Array.isArray(seed)) {
    out.seed = checkSeedList(seed, `${path}.seed`, problems);
  } else {
    problems.add(
      `${path}.seed`,
      `expected a seed or an array of seeds, got ${describe(seed)}`,
    );
  }
  return out;
}

/** `task` → `dataset`, `objective` → `loss` (the identity columns). */
function aliasPattern(
  value: Record<string, unknown>,
): Record<string, unknown> {
  const { task, objective, ...rest } = value;
  return {
    ...rest,
    ...(task !== undefined ? { dataset: task } : {}),
    ...(objective !== undefined ? { loss: objective } : {}),
  };
}

function checkInclude(
  value: unknown,
  path: string,
  problems: Problems,
): IncludeCell | undefined {
  if (!isObject(value)) {
    problems.add(path, `expected an object, got ${describe(value)}`);
    return undefined;
  }
  checkKeys(value, INCLUDE_KEYS, path, problems);
  let ok = true;
  for (const key of INCLUDE_KEYS) {
    const v = value[key];
    if (v === undefined && key === "dataset") continue;
    if (!isId(v)) {
      problems.add(
        `${path}.${key}`,
        v === undefined ? "required" : `${ID_TEXT}, got ${describe(v)}`,
      );
      ok = false;
    }
  }
  if (!ok) return undefined;
  const out: IncludeCell = {
    variant: value.variant as string,
    loss: value.loss as string,
  };
  if (value.dataset !== undefined) out.dataset = value.dataset as string;
  return out;
}

function checkOverride(
  value: unknown,
  path: string,
  problems: Problems,
  checkPatch: PatchCheck = checkConfigPatch,
): Override | undefined {
  if (!isObject(value)) {
    problems.add(
      path,
      `expected an object { match, set }, got ${describe(value)}`,
    );
    return undefined;
  }
  checkKeys(value, ["match", "set"], path, problems);
  if (value.match === undefined) problems.add(`${path}.match`, "required");
  if (value.set === undefined) problems.add(`${path}.set`, "required");
  return {
    match: value.match === undefined ? {} : checkPattern(
      value.match,
      `${path}.match`,
      problems,
      checkPatch !== checkConfigPatch,
    ),
    set: value.set === undefined
      ? {}
      : checkPatch(value.set, `${path}.set`, problems),
  };
}

function checkExclude(
  value: unknown,
  path: string,
  problems: Problems,
): CellPattern {
  const pattern = checkPattern(value, path, problems);
  if (isObject(value) && Object.keys(value).length === 0) {
    problems.add(path, "an empty pattern would exclude every cell");
  }
  return pattern;
}

/** The name, the axes and the description of a spec object. */
function checkHead(
  value: Record<string, unknown>,
  problems: Problems,
  zoo = true,
): Pick<MatrixSpec, "name" | "datasets" | "variants" | "losses" | "seeds"> {
  if (!isId(value.name)) {
    problems.add(
      "name",
      value.name === undefined
        ? "required"
        : `${ID_TEXT}, got ${describe(value.name)}`,
    );
  }
  if (
    value.description !== undefined && typeof value.description !== "string"
  ) {
    problems.add(
      "description",
      `expected a string, got ${describe(value.description)}`,
    );
  }
  const present = (key: string) => {
    if (value[key] !== undefined) return true;
    problems.add(key, "required");
    return false;
  };
  const ids = (key: string, allowEmpty: boolean) =>
    zoo && present(key)
      ? checkIdList(value[key], key, problems, allowEmpty)
      : [];
  return {
    name: isId(value.name) ? value.name : "",
    datasets: ids("datasets", false),
    variants: ids("variants", true),
    losses: ids("losses", true),
    seeds: present("seeds")
      ? checkSeedList(value.seeds, "seeds", problems)
      : [],
  };
}

/**
 * Validates a parsed JSON value as a matrix spec.
 *
 * @param value The JSON value (e.g. from `JSON.parse`).
 * @param source The file or profile name used in error messages.
 * @returns The spec, with `overrides`, `include`, `exclude` and `defaults`
 *   filled in as empty when absent.
 * @throws Error One line: `<source>: <key>: <problem>; <key>: <problem> …`.
 * @example
 * ```ts
 * import { parseSpec } from "./spec.ts";
 * import assert from "node:assert/strict";
 * const spec = parseSpec({
 *   name: "tiny", datasets: ["mnist"], variants: ["mlp"], losses: ["ns"],
 *   seeds: [0], defaults: { steps: 10 },
 * }, "tiny.json");
 * assert.deepEqual(spec.overrides, []);
 * assert.throws(
 *   () => parseSpec({ ...spec, defaults: { stpes: 10 } }, "tiny.json"),
 *   /^Error: tiny\.json: defaults\.stpes: unknown key \(accepted: steps, /,
 * );
 * ```
 */
export function parseSpec(value: unknown, source: string): MatrixSpec {
  if (!isObject(value)) {
    throw new Error(
      `${source}: expected a JSON object (a matrix spec), got ${
        describe(value)
      }`,
    );
  }
  if (value.tasks !== undefined || value.objectives !== undefined) {
    return parseTranslationSpec(value, source);
  }
  const problems = new Problems();
  checkKeys(value, SPEC_KEYS, "", problems);
  const head = checkHead(value, problems);
  const defaults = value.defaults === undefined
    ? {}
    : checkConfigPatch(value.defaults, "defaults", problems);
  const overrides = checkArray(
    value.overrides,
    "overrides",
    problems,
    (v, p) => checkOverride(v, p, problems),
  );
  const include = checkArray(
    value.include,
    "include",
    problems,
    (v, p) => checkInclude(v, p, problems),
  );
  const exclude = checkArray(
    value.exclude,
    "exclude",
    problems,
    (v, p) => checkExclude(v, p, problems),
  );
  if (problems.list.length > 0) {
    throw new Error(`${source}: ${problems.list.join("; ")}`);
  }
  const spec: MatrixSpec = { ...head, defaults, overrides, include, exclude };
  if (typeof value.description === "string") {
    spec.description = value.description;
  }
  return spec;
}

/** The zoo keys a translation spec may carry only empty (a parsed spec's). */
const ZOO_ONLY_KEYS = [
  "datasets",
  "variants",
  "losses",
  "include",
  "exclude",
] as const;

/**
 * {@linkcode parseSpec} of the translation form: `tasks` × `objectives` ×
 * `seeds` with translation settings; the zoo axes must be absent or empty.
 */
function parseTranslationSpec(
  value: Record<string, unknown>,
  source: string,
): MatrixSpec {
  const problems = new Problems();
  checkKeys(value, SPEC_KEYS, "", problems);
  for (const key of ZOO_ONLY_KEYS) {
    const v = value[key];
    if (v === undefined || (Array.isArray(v) && v.length === 0)) continue;
    problems.add(
      key,
      "a spec is either the zoo form (datasets × variants × losses) or the translation form (tasks × objectives), not both",
    );
  }
  const { name, seeds } = checkHead(value, problems, false);
  const ids = (key: "tasks" | "objectives") =>
    value[key] === undefined
      ? (problems.add(key, "required"), [])
      : checkIdList(value[key], key, problems, false);
  const tasks = ids("tasks");
  const objectives = ids("objectives");
  const defaults = value.defaults === undefined
    ? {}
    : checkTranslationPatch(value.defaults, "defaults", problems);
  const overrides = checkArray(
    value.overrides,
    "overrides",
    problems,
    (v, p) => checkOverride(v, p, problems, checkTranslationPatch),
  );
  if (problems.list.length > 0) {
    throw new Error(`${source}: ${problems.list.join("; ")}`);
  }
  const spec: MatrixSpec = {
    name,
    datasets: [],
    variants: [],
    losses: [],
    seeds,
    defaults,
    overrides,
    include: [],
    exclude: [],
    tasks,
    objectives,
  };
  if (typeof value.description === "string") {
    spec.description = value.description;
  }
  return spec;
}

/**
 * Reads and validates a spec file.
 *
 * @param path A JSON file.
 * @returns The validated spec.
 * @throws Error One line naming the file: not found, invalid JSON, or the
 *   offending keys.
 * @example
 * ```ts
 * import { loadSpecFile } from "./spec.ts";
 * import assert from "node:assert/strict";
 * const path = await Deno.makeTempFile({ suffix: ".json" });
 * await Deno.writeTextFile(path, JSON.stringify({
 *   name: "mine", datasets: ["mnist"], variants: ["mlp"], losses: ["ns"], seeds: [0],
 * }));
 * assert.equal((await loadSpecFile(path)).name, "mine");
 * await Deno.remove(path);
 * await assert.rejects(() => loadSpecFile(path), /spec file not found/);
 * ```
 */
export async function loadSpecFile(path: string): Promise<MatrixSpec> {
  return parseSpec(await readJsonFile(path, { what: "spec file" }), path);
}
