/**
 * Private helpers of the translation models: option checks and the width
 * scaler (the zoo's rule, `max(2, round(n·m))`).
 *
 * @module
 */

/** Options every translation model takes. */
export interface CommonBuildOptions {
  /** Seed of every initialiser (same seed → identical weights). */
  seed: number;
  /** Prefix of the TF.js variable names (default `""`); keys never include it. */
  scope?: string;
  /** Scales every hidden width (default 1, the reference); below 1 for tests. */
  widthMultiplier?: number;
}

/**
 * Checks that `value` is a positive integer; throws a one-line error.
 *
 * @param where Module name for the message.
 * @param name Option name.
 * @param value The value.
 */
export function checkPositiveInt(
  where: string,
  name: string,
  value: number,
): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(
      `${where}: ${name} must be a positive integer, got ${value}`,
    );
  }
}

/**
 * Checks the common options and returns the width scaler.
 *
 * @param where Module name for the message.
 * @param opts The options.
 * @returns `n ↦ max(2, round(n·m))` (identity for m = 1).
 */
export function commonScaler(
  where: string,
  opts: CommonBuildOptions,
): (n: number) => number {
  if (!Number.isInteger(opts.seed)) {
    throw new Error(`${where}: seed must be an integer, got ${opts.seed}`);
  }
  const m = opts.widthMultiplier ?? 1;
  if (!(m > 0) || !Number.isFinite(m)) {
    throw new Error(`${where}: widthMultiplier must be > 0, got ${m}`);
  }
  return (n) => (m === 1 ? n : Math.max(2, Math.round(n * m)));
}

/**
 * The substitution line of a width multiplier other than 1.
 *
 * @param opts The options.
 * @returns Zero or one line.
 */
export function widthLine(opts: CommonBuildOptions): string[] {
  const m = opts.widthMultiplier ?? 1;
  return m === 1 ? [] : [`hidden widths × ${m}`];
}
