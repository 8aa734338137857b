/**
 * The errors `report` and `compare` throw for input they cannot use (a
 * missing or malformed results directory, runs that are not comparable), as
 * opposed to failures while writing: a command line maps them to a usage
 * error.
 *
 * @example
 * ```ts
 * import { CompareInputError, ReportInputError } from "./errors.ts";
 * import assert from "node:assert/strict";
 * const e = new CompareInputError("results/pr: summary.csv has no cells");
 * assert.ok(e instanceof ReportInputError);
 * assert.equal(e.name, "CompareInputError");
 * ```
 *
 * @module
 */
import { InputError } from "../util/errors.ts";

/** A results directory that cannot be read as one (bad input). */
export class ReportInputError extends InputError {
  /**
   * Creates the error.
   *
   * @param message One line naming the directory (or file) and the problem.
   */
  constructor(message: string) {
    super(message);
    this.name = "ReportInputError";
  }
}

/** Refusal to compare two runs (bad input): a command line maps it to exit code 2. */
export class CompareInputError extends ReportInputError {
  /**
   * Creates the error.
   *
   * @param message One line naming the directory and the mismatch.
   */
  constructor(message: string) {
    super(message);
    this.name = "CompareInputError";
  }
}
