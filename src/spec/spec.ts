/**
 * Parsing and validation of matrix specs: unknown keys, wrong types and
 * out-of-range numbers are reported together, on one line that names the
 * file and every offending key, before anything runs.
 *
 * @module
 */
import type {
  CellConfig,
  CellPattern,
  ConfigPatch,
  IncludeCell,
  MatrixSpec,
  OptimizerOverride,
  OptimizerOverrides,
  Override,
} from "./types.ts";

/**
 * The settings of a cell that neither the spec's `defaults` nor an override
 * set. Changing one changes every {@linkcode specHash}.
 */
export const BUILTIN_CONFIG: Readonly<CellConfig> = Object.freeze({
  steps: 1000,
  batchSize: 64,
  evalEvery: 500,
  checkpointEvery: 500,
  nEval: 10000,
  nEquilibrium: 512,
  nNeighbour: 1000,
  nNeighbourPool: 10000,
  nSsimPairs: 1000,
  kidSubsets: 100,
  kidSubsetSize: 1000,
  isSplits: 10,
  gridSize: 8,
  criticNorm: "auto",
  evaluator: "default",
});

type Rule =
  | { kind: "int"; min: number }
  | { kind: "number"; min: number; exclusiveMin?: boolean; below?: number }
  | { kind: "choice"; choices: readonly string[] }
  | { kind: "id" }
  | { kind: "optimizer" };

/** Rules of every {@linkcode CellConfig} key. */
const CONFIG_RULES: Record<keyof CellConfig, Rule> = {
  steps: { kind: "int", min: 1 },
  batchSize: { kind: "int", min: 1 },
  evalEvery: { kind: "int", min: 1 },
  checkpointEvery: { kind: "int", min: 0 },
  nEval: { kind: "int", min: 2 },
  nEquilibrium: { kind: "int", min: 2 },
  nNeighbour: { kind: "int", min: 1 },
  nNeighbourPool: { kind: "int", min: 1 },
  nSsimPairs: { kind: "int", min: 1 },
  kidSubsets: { kind: "int", min: 1 },
  kidSubsetSize: { kind: "int", min: 2 },
  isSplits: { kind: "int", min: 1 },
  gridSize: { kind: "int", min: 1 },
  criticNorm: {
    kind: "choice",
    choices: ["auto", "batchnorm", "layernorm", "none"],
  },
  evaluator: { kind: "id" },
  nCritic: { kind: "int", min: 1 },
  gradientPenalty: { kind: "number", min: 0 },
  clip: { kind: "number", min: 0, exclusiveMin: true },
  optimizer: { kind: "optimizer" },
  gEma: { kind: "number", min: 0, below: 1 },
};

const OPTIMIZER_RULES: Record<keyof OptimizerOverride, Rule> = {
  kind: { kind: "choice", choices: ["adam", "rmsprop", "sgd"] },
  learningRate: { kind: "number", min: 0, exclusiveMin: true },
  beta1: { kind: "number", min: 0, below: 1 },
  beta2: { kind: "number", min: 0, below: 1 },
  epsilon: { kind: "number", min: 0, exclusiveMin: true },
  decay: { kind: "number", min: 0, below: 1 },
  momentum: { kind: "number", min: 0, below: 1 },
};

/** The keys a {@linkcode CellConfig} accepts, in documentation order. */
export const CONFIG_KEYS: readonly string[] = Object.keys(CONFIG_RULES);

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
];
const PATTERN_KEYS = ["dataset", "variant", "loss", "seed"];
const INCLUDE_KEYS = ["dataset", "variant", "loss"];

/** Axis values become file names: letters, digits, `_`, `.`, `-`. */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * Collects the problems of one spec; every `add` names the key path.
 */
class Problems {
  readonly list: string[] = [];
  add(path: string, message: string): void {
    this.list.push(`${path}: ${message}`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "object") return "an object";
  return String(value);
}

function checkKeys(
  value: Record<string, unknown>,
  accepted: readonly string[],
  path: string,
  problems: Problems,
): void {
  for (const key of Object.keys(value)) {
    if (!accepted.includes(key)) {
      problems.add(
        path ? `${path}.${key}` : key,
        `unknown key (accepted: ${accepted.join(", ")})`,
      );
    }
  }
}

function checkRule(
  value: unknown,
  rule: Rule,
  path: string,
  problems: Problems,
): boolean {
  switch (rule.kind) {
    case "int":
      if (
        typeof value !== "number" || !Number.isInteger(value) ||
        value < rule.min
      ) {
        const what = rule.min === 0
          ? "a non-negative integer"
          : rule.min === 1
          ? "a positive integer"
          : `an integer ≥ ${rule.min}`;
        problems.add(path, `expected ${what}, got ${describe(value)}`);
        return false;
      }
      return true;
    case "number": {
      const ok = typeof value === "number" && Number.isFinite(value) &&
        (rule.exclusiveMin ? value > rule.min : value >= rule.min) &&
        (rule.below === undefined || value < rule.below);
      if (!ok) {
        const low = `${rule.exclusiveMin ? ">" : "≥"} ${rule.min}`;
        const high = rule.below === undefined ? "" : ` and < ${rule.below}`;
        problems.add(
          path,
          `expected a number ${low}${high}, got ${describe(value)}`,
        );
      }
      return ok;
    }
    case "choice":
      if (typeof value !== "string" || !rule.choices.includes(value)) {
        problems.add(
          path,
          `expected one of ${rule.choices.join(", ")}, got ${describe(value)}`,
        );
        return false;
      }
      return true;
    case "id":
      if (typeof value !== "string" || !ID_PATTERN.test(value)) {
        problems.add(
          path,
          `expected an id (letters, digits, _ . -), got ${describe(value)}`,
        );
        return false;
      }
      return true;
    case "optimizer":
      return checkOptimizers(value, path, problems);
  }
}

function checkOptimizers(
  value: unknown,
  path: string,
  problems: Problems,
): boolean {
  if (!isObject(value)) {
    problems.add(path, `expected an object { d?, g? }, got ${describe(value)}`);
    return false;
  }
  const before = problems.list.length;
  checkKeys(value, ["d", "g"], path, problems);
  for (const side of ["d", "g"] as const) {
    const opt = value[side];
    if (opt === undefined) continue;
    const sidePath = `${path}.${side}`;
    if (!isObject(opt)) {
      problems.add(sidePath, `expected an object, got ${describe(opt)}`);
      continue;
    }
    checkKeys(opt, Object.keys(OPTIMIZER_RULES), sidePath, problems);
    for (const [key, rule] of Object.entries(OPTIMIZER_RULES)) {
      if (opt[key] !== undefined) {
        checkRule(opt[key], rule, `${sidePath}.${key}`, problems);
      }
    }
  }
  return problems.list.length === before;
}

function checkPatch(
  value: unknown,
  path: string,
  problems: Problems,
): ConfigPatch {
  if (!isObject(value)) {
    problems.add(path, `expected an object, got ${describe(value)}`);
    return {};
  }
  checkKeys(value, CONFIG_KEYS, path, problems);
  const patch: Record<string, unknown> = {};
  for (const [key, rule] of Object.entries(CONFIG_RULES)) {
    if (value[key] === undefined) continue;
    if (checkRule(value[key], rule, `${path}.${key}`, problems)) {
      patch[key] = structuredClone(value[key]);
    }
  }
  return patch as ConfigPatch;
}

function checkIdList(
  value: unknown,
  path: string,
  problems: Problems,
  allowEmpty: boolean,
): string[] {
  if (!Array.isArray(value)) {
    problems.add(path, `expected an array of ids, got ${describe(value)}`);
    return [];
  }
  if (!allowEmpty && value.length === 0) {
    problems.add(path, "expected at least one id");
  }
  const out: string[] = [];
  value.forEach((item, i) => {
    if (typeof item !== "string" || !ID_PATTERN.test(item)) {
      problems.add(
        `${path}[${i}]`,
        `expected an id (letters, digits, _ . -), got ${describe(item)}`,
      );
    } else if (out.includes(item)) {
      problems.add(`${path}[${i}]`, `duplicate ${JSON.stringify(item)}`);
    } else {
      out.push(item);
    }
  });
  return out;
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

function isSeed(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 &&
    value < 2 ** 32;
}

function checkPattern(
  value: unknown,
  path: string,
  problems: Problems,
): CellPattern {
  if (!isObject(value)) {
    problems.add(path, `expected an object, got ${describe(value)}`);
    return {};
  }
  checkKeys(value, PATTERN_KEYS, path, problems);
  const out: CellPattern = {};
  for (const key of ["dataset", "variant", "loss"] as const) {
    const v = value[key];
    if (v === undefined) continue;
    if (typeof v === "string" && ID_PATTERN.test(v)) out[key] = v;
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
  if (seed !== undefined) {
    if (isSeed(seed)) out.seed = seed;
    else if (Array.isArray(seed)) {
      out.seed = checkSeedList(seed, `${path}.seed`, problems);
    } else {
      problems.add(
        `${path}.seed`,
        `expected a seed or an array of seeds, got ${describe(seed)}`,
      );
    }
  }
  return out;
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
    if (typeof v !== "string" || !ID_PATTERN.test(v)) {
      problems.add(
        `${path}.${key}`,
        v === undefined
          ? "required"
          : `expected an id (letters, digits, _ . -), got ${describe(v)}`,
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

function checkArray<T>(
  value: unknown,
  path: string,
  problems: Problems,
  item: (v: unknown, p: string) => T | undefined,
): T[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.add(path, `expected an array, got ${describe(value)}`);
    return [];
  }
  const out: T[] = [];
  value.forEach((v, i) => {
    const parsed = item(v, `${path}[${i}]`);
    if (parsed !== undefined) out.push(parsed);
  });
  return out;
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
 * const spec = parseSpec({
 *   name: "tiny", datasets: ["mnist"], variants: ["mlp"], losses: ["ns"],
 *   seeds: [0], defaults: { steps: 10 },
 * }, "tiny.json");
 * spec.overrides; // []
 * ```
 */
export function parseSpec(value: unknown, source: string): MatrixSpec {
  const problems = new Problems();
  if (!isObject(value)) {
    throw new Error(
      `${source}: expected a JSON object (a matrix spec), got ${
        describe(value)
      }`,
    );
  }
  checkKeys(value, SPEC_KEYS, "", problems);
  let name = "";
  if (typeof value.name === "string" && ID_PATTERN.test(value.name)) {
    name = value.name;
  } else {
    problems.add(
      "name",
      value.name === undefined
        ? "required"
        : `expected an id (letters, digits, _ . -), got ${
          describe(value.name)
        }`,
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
  const required = (key: string) => {
    if (value[key] === undefined) {
      problems.add(key, "required");
      return false;
    }
    return true;
  };
  const datasets = required("datasets")
    ? checkIdList(value.datasets, "datasets", problems, false)
    : [];
  const variants = required("variants")
    ? checkIdList(value.variants, "variants", problems, true)
    : [];
  const losses = required("losses")
    ? checkIdList(value.losses, "losses", problems, true)
    : [];
  const seeds = required("seeds")
    ? checkSeedList(value.seeds, "seeds", problems)
    : [];
  const defaults = value.defaults === undefined
    ? {}
    : checkPatch(value.defaults, "defaults", problems);
  const overrides = checkArray<Override>(
    value.overrides,
    "overrides",
    problems,
    (v, p) => {
      if (!isObject(v)) {
        problems.add(
          p,
          `expected an object { match, set }, got ${describe(v)}`,
        );
        return undefined;
      }
      checkKeys(v, ["match", "set"], p, problems);
      if (v.match === undefined) problems.add(`${p}.match`, "required");
      if (v.set === undefined) problems.add(`${p}.set`, "required");
      return {
        match: v.match === undefined
          ? {}
          : checkPattern(v.match, `${p}.match`, problems),
        set: v.set === undefined ? {} : checkPatch(v.set, `${p}.set`, problems),
      };
    },
  );
  const include = checkArray<IncludeCell>(
    value.include,
    "include",
    problems,
    (v, p) => checkInclude(v, p, problems),
  );
  const exclude = checkArray<CellPattern>(
    value.exclude,
    "exclude",
    problems,
    (v, p) => {
      const pattern = checkPattern(v, p, problems);
      if (isObject(v) && Object.keys(v).length === 0) {
        problems.add(p, "an empty pattern would exclude every cell");
      }
      return pattern;
    },
  );
  if (problems.list.length > 0) {
    throw new Error(`${source}: ${problems.list.join("; ")}`);
  }
  const spec: MatrixSpec = {
    name,
    datasets,
    variants,
    losses,
    seeds,
    defaults,
    overrides,
    include,
    exclude,
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
 * const spec = await loadSpecFile("benchmarks/profiles/smoke.json");
 * spec.name; // "smoke"
 * ```
 */
export async function loadSpecFile(path: string): Promise<MatrixSpec> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new Error(`${path}: spec file not found`);
    }
    throw new Error(
      `${path}: cannot read spec file (${
        e instanceof Error ? e.message : String(e)
      })`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(
      `${path}: invalid JSON (${e instanceof Error ? e.message : String(e)})`,
    );
  }
  return parseSpec(json, path);
}

/**
 * Merges a patch onto a config: plain keys replace, `optimizer.d` and
 * `optimizer.g` merge field by field. Neither input is modified.
 *
 * @param base The config so far.
 * @param patch The settings to apply.
 * @returns A new config.
 * @example
 * ```ts
 * import { BUILTIN_CONFIG, mergeConfig } from "./spec.ts";
 * const c = mergeConfig({ ...BUILTIN_CONFIG }, { steps: 5, optimizer: { d: { learningRate: 1e-4 } } });
 * c.steps; // 5
 * ```
 */
export function mergeConfig(base: CellConfig, patch: ConfigPatch): CellConfig {
  const out: CellConfig = structuredClone(base);
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (key === "optimizer") {
      const optimizer: OptimizerOverrides = out.optimizer ?? {};
      const add = value as OptimizerOverrides;
      for (const side of ["d", "g"] as const) {
        if (add[side]) {
          optimizer[side] = { ...optimizer[side], ...add[side] };
        }
      }
      out.optimizer = optimizer;
    } else {
      (out as unknown as Record<string, unknown>)[key] = structuredClone(value);
    }
  }
  return out;
}
