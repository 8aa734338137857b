/**
 * Seconds per phase of an evaluation, for the performance benchmark.
 *
 * @module
 */

/** Adds up the wall time of the phases of an evaluation. */
export interface PhaseTimer {
  /**
   * Whether phases are timed: callers then wait for a phase's tensors
   * before its lap, so that the time lands in the right phase.
   */
  readonly active: boolean;
  /**
   * Adds the seconds since the previous lap (or the start) to `phase`.
   *
   * @param phase The phase name, e.g. `fid`.
   */
  lap(phase: string): void;
}

/**
 * A timer that adds each phase's seconds to `timings`; without `timings` it
 * is inactive and records nothing.
 *
 * @param timings Seconds by phase, added to (created keys start at 0).
 * @returns The timer, started now.
 * @example
 * ```ts
 * import { phaseTimer } from "./phase_timer.ts";
 * const timings: Record<string, number> = {};
 * const timer = phaseTimer(timings);
 * timer.lap("generate"); // timings.generate ≈ 0
 * ```
 */
export function phaseTimer(timings?: Record<string, number>): PhaseTimer {
  let mark = performance.now();
  return {
    active: timings !== undefined,
    lap(phase: string): void {
      const now = performance.now();
      if (timings) timings[phase] = (timings[phase] ?? 0) + (now - mark) / 1000;
      mark = now;
    },
  };
}
