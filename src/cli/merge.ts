/**
 * `ganbench merge`: combines the results directories of shards (or of
 * separate machines) into one. Idempotent; refuses (exit code 2) inputs made
 * from different specs and shard files naming ids that are no cell ids.
 *
 * @module
 */
import type { Command } from "./_command.ts";
import { formatHelp, parseFlags, UsageError } from "./_args.ts";
import type { FlagSpecs } from "./_args.ts";
import { mergeRuns } from "../matrix/merge.ts";
import { MergeInputError } from "../matrix/merge_checks.ts";

const FLAGS = {
  out: {
    type: "string",
    valueName: "DIR",
    description: "the merged results directory (required)",
  },
} as const satisfies FlagSpecs;

/** The `merge` sub-command. */
export const mergeCommand: Command = {
  name: "merge",
  summary: "combine shard result directories into one",
  async run(args) {
    const { values, positionals } = parseFlags(args, FLAGS, {
      positionals: [1, 1000],
    });
    if (values.help) {
      console.log(formatHelp(
        "ganbench merge <dir>... --out <dir>",
        "Combines results directories made from the same spec (e.g. the shards of `bench --shard i/n`) into one: manifest.json, metrics.csv, summary.csv, grids/ and a new contact sheet. Merging again gives the same files.",
        FLAGS,
      ));
      return 0;
    }
    if (values.out === undefined) {
      throw new UsageError("--out: required (the merged directory)");
    }
    for (const dir of positionals) {
      try {
        if (!(await Deno.stat(dir)).isDirectory) throw new Error();
      } catch {
        throw new UsageError(`${dir}: not a results directory`);
      }
    }
    // Bad input (shards of other specs, ids that are no cell ids, links):
    // a usage error, exit code 2.
    const result = await mergeRuns(positionals, values.out).catch((e) => {
      throw e instanceof MergeInputError ? new UsageError(e.message) : e;
    });
    const { finished, diverged, running } = result.counts;
    console.log(
      `merged ${positionals.length} run(s) into ${result.outDir}: ${finished} finished, ${diverged} diverged, ${running} unfinished` +
        (result.missing.length > 0
          ? `; ${result.missing.length} cell(s) of the spec missing`
          : ""),
    );
    return 0;
  },
};
