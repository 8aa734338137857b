/**
 * The `ganbench` command line: dispatches to one sub-command per file.
 * Usage errors print one line and exit 2; errors that stop a run print one
 * line and exit 1.
 *
 * @example
 * ```sh
 * deno task doctor
 * deno run --allow-read src/cli/main.ts bench --help
 * ```
 *
 * @module
 */
import type { Command } from "./_command.ts";
import { UsageError } from "./_args.ts";
import { errorText, InputError } from "../util/errors.ts";
import { benchCommand } from "./bench.ts";
import { compareCommand } from "./compare.ts";
import { doctorCommand } from "./doctor.ts";
import { mergeCommand } from "./merge.ts";
import { reportCommand } from "./report.ts";
import { trainEvaluatorCommand } from "./train_evaluator.ts";

/** Every sub-command, in the order the help lists them. */
export const COMMANDS: readonly Command[] = [
  benchCommand,
  compareCommand,
  reportCommand,
  doctorCommand,
  mergeCommand,
  trainEvaluatorCommand,
];

/**
 * Runs the CLI with `args` and returns the exit code.
 *
 * @param args The process arguments (without the program name).
 * @returns 0 on success, 1 when a run fails, 2 on a usage error.
 */
export async function main(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === "--help" || name === "-h") {
    console.log(topLevelHelp());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    console.error(
      `ganbench: unknown command '${name}' (accepted: ${
        COMMANDS.map((c) => c.name).join(", ")
      })`,
    );
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    // Usage and input errors (a bad flag, file, spec or results directory):
    // one line, exit 2.
    if (error instanceof UsageError || error instanceof InputError) {
      console.error(`ganbench ${name}: ${errorText(error)}`);
      return 2;
    }
    console.error(`ganbench ${name}: error: ${errorText(error)}`);
    if (Deno.env.get("GANBENCH_DEBUG") && error instanceof Error) {
      console.error(error.stack);
    }
    return 1;
  }
}

function topLevelHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    "usage: ganbench <command> [flags]   (each command has --help)",
    "",
    "commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
  ].join("\n");
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
