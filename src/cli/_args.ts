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
  default?: string | number | boolean | string[];
  /** Smallest accepted value for `integer` and `number`. */
  min?: number;
  /** Name of the value in `--help`, e.g. `DIR`. */
  valueName?: string;
}

/** The flags of one sub-command, by long name without dashes. */
export type FlagSpecs = Record<string, FlagSpec>;

/** The parsed values: strings, numbers, booleans or string lists. */
export type FlagValues = Record<
  string,
  string | number | boolean | string[] | undefined
>;

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
 * @returns The flag values (defaults filled in) and the positionals.
 * @example
 * ```ts
 * import { parseFlags } from "./_args.ts";
 * const { values } = parseFlags(["--steps", "10"], {
 *   steps: { type: "integer", description: "training steps", min: 1 },
 * });
 * values.steps; // 10
 * ```
 */
export function parseFlags(
  args: string[],
  specs: FlagSpecs,
  options: { positionals?: [number, number] } = {},
): { values: FlagValues; positionals: string[] } {
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
      args,
      options: nodeOptions,
      strict: true,
      allowPositionals: maxPos > 0,
    });
  } catch (error) {
    throw new UsageError(describeParseError(error, specs));
  }
  const values: FlagValues = {};
  if (parsed.values.help) values.help = true;
  for (const [name, spec] of Object.entries(specs)) {
    const raw = parsed.values[name];
    values[name] = raw === undefined
      ? spec.default
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
  return { values, positionals };
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

function describeParseError(error: unknown, specs: FlagSpecs): string {
  const message = error instanceof Error ? error.message : String(error);
  const accepted = Object.keys(specs).map((n) => `--${n}`).concat("--help")
    .join(", ");
  const unknown = /Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown flag ${unknown[1]} (accepted: ${accepted})`;
  const missing = /Option '(?:-\w, )?(--[\w-]+)[^']*' argument missing/.exec(
    message,
  );
  if (missing) return `${missing[1]}: missing value`;
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
