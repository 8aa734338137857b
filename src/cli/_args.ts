/**
 * Flag parsing for every sub-command, on `node:util` `parseArgs` in strict
 * mode (JSR's `@std/cli` is out of reach on our machines). Flags are declared
 * once per command; values are validated here so that a bad flag is always
 * one line naming the flag and the accepted values, and exit code 2.
 *
 * @module
 */
import { parseArgs } from "node:util";

/** The kind of value a flag takes. */
export type FlagType =
  | "string"
  | "boolean"
  | "integer"
  | "number"
  | "choice"
  | "list";

/** One flag of a sub-command. */
export interface FlagSpec {
  /** How the value is parsed and checked. */
  type: FlagType;
  /** One line for `--help`. */
  description: string;
  /** Accepted values for `choice`, and for each item of `list` when given. */
  choices?: readonly string[];
  /** The value when the flag is absent (shown in `--help`). */
  default?: string | number | boolean | readonly string[];
  /** Smallest accepted value for `integer` and `number`. */
  min?: number;
  /** Name of the value in `--help`, e.g. `DIR`. */
  valueName?: string;
}

/** The flags of one sub-command, by long name without dashes. */
export type FlagSpecs = Record<string, FlagSpec>;

/**
 * The parsed values: strings, numbers, booleans or string lists. What
 * {@linkcode parseFlags} returns for specs typed as plain
 * {@linkcode FlagSpecs}.
 */
export type FlagValues = Record<
  string,
  string | number | boolean | string[] | undefined
>;

/** The accepted values of a flag with `choices`, else `string`. */
type ChoiceOf<F> = F extends { choices: readonly (infer C extends string)[] }
  ? C
  : string;

/** The value of a flag of type `T` (distributes over a union of types). */
type ValueOfType<T extends FlagType, F> = T extends "boolean" ? boolean
  : T extends "integer" | "number" ? number
  : T extends "list" ? ChoiceOf<F>[]
  : T extends "choice" ? ChoiceOf<F>
  : string;

/**
 * The parsed value of one flag: `integer`/`number` → `number`, `boolean` →
 * `boolean`, `choice` → the union of its choices, `list` → an array (of its
 * choices when given), `string` → `string`; `| undefined` unless the flag
 * has a default.
 */
export type FlagValue<F extends FlagSpec> =
  | ValueOfType<F["type"], F>
  | (F extends { default: NonNullable<FlagSpec["default"]> } ? never
    : undefined);

/**
 * The parsed values of a set of flags, typed from their specs (declare them
 * `as const satisfies FlagSpecs` to keep the literal types), plus `help`.
 */
export type FlagValuesOf<S extends FlagSpecs> =
  & { -readonly [K in keyof S]: FlagValue<S[K]> }
  & { help?: boolean };

/** A usage error: printed as one line, exit code 2. */
export class UsageError extends Error {
  /**
   * @param message One line naming the flag and what is accepted.
   */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * Parses `args` against `specs`. Unknown flags, missing values and values
 * outside the accepted set throw {@linkcode UsageError}.
 *
 * @param args The command line after the sub-command name.
 * @param specs The flags this sub-command accepts.
 * @param options `positionals`: how many positional arguments are allowed
 *   (`[min, max]`, default none).
 * @returns The flag values (defaults filled in), typed from `specs` (see
 *   {@linkcode FlagValuesOf}), and the positionals.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseFlags } from "./_args.ts";
 * const { values } = parseFlags(["--steps", "10"], {
 *   steps: { type: "integer", description: "training steps", min: 1 },
 *   backend: {
 *     type: "choice",
 *     choices: ["cpu", "wasm"],
 *     default: "cpu",
 *     description: "backend",
 *   },
 * });
 * const steps: number | undefined = values.steps;
 * const backend: "cpu" | "wasm" = values.backend;
 * assert.equal(steps, 10);
 * assert.equal(backend, "cpu");
 * ```
 */
export function parseFlags<const S extends FlagSpecs>(
  args: string[],
  specs: S,
  options: { positionals?: [number, number] } = {},
): { values: FlagValuesOf<S>; positionals: string[] } {
  const [minPos, maxPos] = options.positionals ?? [0, 0];
  const nodeOptions: Record<string, { type: "string" | "boolean" }> = {
    help: { type: "boolean" },
  };
  for (const [name, spec] of Object.entries(specs)) {
    nodeOptions[name] = {
      type: spec.type === "boolean" ? "boolean" : "string",
    };
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: joinNegativeValues(args, specs),
      options: nodeOptions,
      strict: true,
      allowPositionals: maxPos > 0,
    });
  } catch (error) {
    throw new UsageError(describeParseError(error, specs, args));
  }
  const values: FlagValues = {};
  if (parsed.values.help) values.help = true;
  for (const [name, spec] of Object.entries(specs)) {
    const raw = parsed.values[name];
    values[name] = raw === undefined
      ? defaultValue(spec)
      : convert(name, spec, raw as string | boolean);
  }
  const positionals = parsed.positionals;
  if (!values.help && positionals.length < minPos) {
    throw new UsageError(
      `expected at least ${minPos} argument(s), got ${positionals.length}`,
    );
  }
  if (positionals.length > maxPos) {
    throw new UsageError(
      `unexpected argument '${
        positionals[maxPos]
      }' (at most ${maxPos} accepted)`,
    );
  }
  // The conversions above produce exactly the types FlagValuesOf<S> names.
  return { values: values as FlagValuesOf<S>, positionals };
}

/** A flag's default (a fresh copy of a list default). */
function defaultValue(spec: FlagSpec): FlagValues[string] {
  const value = spec.default;
  return Array.isArray(value) ? [...value] : value as FlagValues[string];
}

function convert(
  name: string,
  spec: FlagSpec,
  raw: string | boolean,
): string | number | boolean | string[] {
  if (spec.type === "boolean") return raw as boolean;
  const text = raw as string;
  switch (spec.type) {
    case "string":
      if (text === "") throw new UsageError(`--${name}: empty value`);
      return text;
    case "integer": {
      const value = /^-?\d+$/.test(text) ? Number(text) : NaN;
      if (!Number.isSafeInteger(value) || value < (spec.min ?? -Infinity)) {
        throw new UsageError(
          `--${name}: '${text}' is not an integer${
            spec.min === undefined ? "" : ` >= ${spec.min}`
          }`,
        );
      }
      return value;
    }
    case "number": {
      const value = text.trim() === "" ? NaN : Number(text);
      if (!Number.isFinite(value) || value < (spec.min ?? -Infinity)) {
        throw new UsageError(
          `--${name}: '${text}' is not a number${
            spec.min === undefined ? "" : ` >= ${spec.min}`
          }`,
        );
      }
      return value;
    }
    case "choice":
      if (!spec.choices!.includes(text)) {
        throw new UsageError(
          `--${name}: unknown value '${text}' (accepted: ${
            spec.choices!.join(", ")
          })`,
        );
      }
      return text;
    case "list": {
      const items = text.split(",").map((s) => s.trim()).filter((s) => s);
      if (items.length === 0) throw new UsageError(`--${name}: empty list`);
      if (spec.choices) {
        const bad = items.find((item) => !spec.choices!.includes(item));
        if (bad !== undefined) {
          throw new UsageError(
            `--${name}: unknown value '${bad}' (accepted: ${
              spec.choices.join(", ")
            })`,
          );
        }
      }
      return items;
    }
  }
}

/**
 * `--flag -5` → `--flag=-5` for a flag that takes a value, when the value
 * looks like a number: `parseArgs` would otherwise refuse it as ambiguous,
 * and the range check of {@linkcode parseFlags} says what is accepted.
 */
function joinNegativeValues(args: string[], specs: FlagSpecs): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = /^--([^=]+)$/.exec(args[i])?.[1];
    const spec = name === undefined ? undefined : specs[name];
    const next = args[i + 1];
    if (
      spec !== undefined && spec.type !== "boolean" && next !== undefined &&
      /^-(\d|\.\d)/.test(next)
    ) {
      out.push(`${args[i]}=${next}`);
      i++;
      continue;
    }
    out.push(args[i]);
  }
  return out;
}

function describeParseError(
  error: unknown,
  specs: FlagSpecs,
  args: string[],
): string {
  const message = error instanceof Error ? error.message : String(error);
  const accepted = Object.keys(specs).map((n) => `--${n}`).concat("--help")
    .join(", ");
  const unknown = /Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown flag ${unknown[1]} (accepted: ${accepted})`;
  const missing = /Option '(?:-\w, )?(--[\w-]+)[^']*' argument missing/.exec(
    message,
  );
  if (missing) return `${missing[1]}: missing value`;
  // `--out -x`: parseArgs will not take a value that starts with a dash.
  const ambiguous = /Option '(?:-\w, )?(--[\w-]+)[^']*' argument is ambiguous/
    .exec(message);
  if (ambiguous) {
    const flag = ambiguous[1];
    const value = args[args.indexOf(flag) + 1] ?? "-…";
    return `${flag}: missing value (a value starting with '-' is given as ${flag}=${value})`;
  }
  const positional = /Unexpected argument '([^']+)'/.exec(message);
  if (positional) {
    return `unexpected argument '${positional[1]}' (this command takes none)`;
  }
  return message.split("\n")[0];
}

/**
 * Formats the `--help` text of a sub-command.
 *
 * @param usage The first line, e.g. `ganbench bench [flags]`.
 * @param summary One paragraph saying what the command does.
 * @param specs Its flags.
 * @returns The help text.
 */
export function formatHelp(
  usage: string,
  summary: string,
  specs: FlagSpecs,
): string {
  const rows = Object.entries(specs).map(([name, spec]) => {
    const value = spec.type === "boolean" ? "" : ` ${
      spec.valueName ??
        (spec.type === "choice"
          ? spec.choices!.join("|")
          : spec.type.toUpperCase())
    }`;
    const def = spec.default === undefined
      ? ""
      : ` (default: ${
        Array.isArray(spec.default) ? spec.default.join(",") : spec.default
      })`;
    return [`  --${name}${value}`, `${spec.description}${def}`];
  });
  rows.push(["  --help", "show this help"]);
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return [
    `usage: ${usage}`,
    "",
    summary,
    "",
    "flags:",
    ...rows.map(([left, right]) => left.padEnd(width) + right),
  ].join("\n");
}

/**
 * `args` without the named flags and their values (`--name value` and
 * `--name=value`), e.g. to pass the rest on to a child process.
 *
 * @param args A command line.
 * @param names Long flag names without dashes.
 * @returns The remaining arguments, in order.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { withoutFlags } from "./_args.ts";
 * assert.deepEqual(
 *   withoutFlags(["--out", "d", "--steps=3", "--jobs=2"], ["out", "jobs"]),
 *   ["--steps=3"],
 * );
 * ```
 */
export function withoutFlags(args: string[], names: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = /^--([^=]+)/.exec(args[i])?.[1];
    if (name !== undefined && names.includes(name)) {
      if (!args[i].includes("=")) i++;
      continue;
    }
    out.push(args[i]);
  }
  return out;
}
