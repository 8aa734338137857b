/**
 * The shape every sub-command file exports, so that `main.ts` can dispatch
 * to it and list it in the top-level help.
 *
 * @module
 */

/** One sub-command of the `ganbench` CLI. */
export interface Command {
  /** The word on the command line, e.g. `bench`. */
  name: string;
  /** One line for the top-level help. */
  summary: string;
  /**
   * Runs the command.
   *
   * @param args The arguments after the sub-command name.
   * @returns The process exit code.
   */
  run(args: string[]): Promise<number>;
}
