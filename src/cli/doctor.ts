/**
 * `ganbench doctor`: what a user runs when the GPU is not being used. Prints
 * each backend's availability (and why not), the device, the Deno and TF.js
 * versions, and which data sets are available and verified.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Command } from "./_command.ts";
import { formatHelp, parseFlags } from "./_args.ts";
import type { FlagSpecs } from "./_args.ts";
import { backendAvailability, deviceDescription } from "../backend/mod.ts";
import { datasetAvailability } from "../data/mod.ts";

const FLAGS = {} as const satisfies FlagSpecs;

/** The `doctor` sub-command. */
export const doctorCommand: Command = {
  name: "doctor",
  summary: "check backends, device, versions and data sets",
  async run(args) {
    const { values } = parseFlags(args, FLAGS);
    if (values.help) {
      console.log(formatHelp(
        "ganbench doctor",
        "Prints each TF.js backend's availability (and the reason when not), the device, the Deno and TF.js versions, and which data sets are available and verified.",
        FLAGS,
      ));
      return 0;
    }
    console.log("ganbench doctor");
    console.log(
      `  deno ${Deno.version.deno} (v8 ${Deno.version.v8}), tfjs-core ${tf.version_core}`,
    );
    console.log(`  device: ${await deviceDescription()}`);
    console.log("backends (auto tries them in this order):");
    for (const b of await backendAvailability()) {
      console.log(
        `  ${b.available ? "yes" : "no "}  ${b.name.padEnd(16)} ${b.reason}`,
      );
    }
    console.log("data sets:");
    for (const d of await datasetAvailability()) {
      const state = d.available ? (d.verified ? "yes" : "unverified") : "no";
      console.log(`  ${state.padEnd(10)} ${d.id.padEnd(10)} ${d.detail}`);
    }
    return 0;
  },
};
