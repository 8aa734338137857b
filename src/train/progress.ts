/**
 * Training progress on the console: on a TTY one live line per cell that
 * rewrites itself; otherwise a plain line at most every `intervalSeconds`,
 * so CI logs stay short.
 *
 * @module
 */

/** One progress update of a cell. */
export interface ProgressUpdate {
  /** The cell id, e.g. `mnist-mlp-ns-s0`. */
  cell: string;
  /** Completed training steps. */
  step: number;
  /** Total training steps of the cell. */
  total: number;
  /** Training throughput since the cell (re)started, images per second. */
  imagesPerSecond: number;
  /** Training steps per second since the cell (re)started (for the ETA). */
  stepsPerSecond: number;
  /** Last mean D loss, if known. */
  dLoss?: number;
  /** Last mean G loss, if known. */
  gLoss?: number;
}

/** Options of {@linkcode ProgressReporter}. */
export interface ProgressOptions {
  /** Rewrite one line in place (default: whether stderr is a terminal). */
  tty?: boolean;
  /** Seconds between plain lines when not on a TTY (default 30). */
  intervalSeconds?: number;
  /** Where text goes (default: stderr). */
  write?: (text: string) => void;
  /** The clock in milliseconds (default `performance.now`), for tests. */
  now?: () => number;
}

/**
 * Prints training progress as a live line (TTY) or occasional plain lines.
 *
 * @example
 * ```ts
 * import { ProgressReporter } from "./progress.ts";
 * const progress = new ProgressReporter({ tty: false, intervalSeconds: 0 });
 * progress.update({ cell: "mnist-mlp-ns-s0", step: 10, total: 100, imagesPerSecond: 640, stepsPerSecond: 10 });
 * progress.finish("mnist-mlp-ns-s0 finished");
 * ```
 */
export class ProgressReporter {
  #tty: boolean;
  #interval: number;
  #write: (text: string) => void;
  #now: () => number;
  #lastPrinted = -Infinity;

  /** @param options How and how often to print. */
  constructor(options: ProgressOptions = {}) {
    // Processes of `bench --jobs` share one terminal: plain lines only.
    this.#tty = options.tty ?? (Deno.stderr.isTerminal() && !isJobChild());
    this.#interval = (options.intervalSeconds ?? 30) * 1000;
    const encoder = new TextEncoder();
    this.#write = options.write ??
      ((text) => Deno.stderr.writeSync(encoder.encode(text)));
    this.#now = options.now ?? (() => performance.now());
  }

  /**
   * Reports progress; prints now on a TTY, else when the interval passed.
   *
   * @param update The cell's current state.
   */
  update(update: ProgressUpdate): void {
    const now = this.#now();
    if (!this.#tty && now - this.#lastPrinted < this.#interval) return;
    this.#lastPrinted = now;
    const line = formatProgress(update);
    this.#write(this.#tty ? `\r\x1b[2K${line}` : `${line}\n`);
  }

  /**
   * Ends the live line (if any) and prints a closing line.
   *
   * @param line The text to print, e.g. the cell's final status.
   */
  finish(line: string): void {
    this.#write(this.#tty ? `\r\x1b[2K${line}\n` : `${line}\n`);
    this.#lastPrinted = -Infinity;
  }
}

/**
 * Formats one progress line: step/total, images/s, ETA and the last losses.
 *
 * @param update The cell's current state.
 * @returns e.g. `mnist-mlp-ns-s0  120/3000  812 img/s  ETA 3m47s  d 1.21 g 0.84`.
 */
export function formatProgress(update: ProgressUpdate): string {
  const { cell, step, total, imagesPerSecond, stepsPerSecond, dLoss, gLoss } =
    update;
  const eta = stepsPerSecond > 0 ? (total - step) / stepsPerSecond : NaN;
  const losses = dLoss === undefined || gLoss === undefined
    ? ""
    : `  d ${dLoss.toFixed(3)} g ${gLoss.toFixed(3)}`;
  return `${cell}  ${step}/${total}  ${
    Math.round(imagesPerSecond)
  } img/s  ETA ${formatDuration(eta)}${losses}`;
}

/**
 * Formats seconds as `1h02m`, `3m47s` or `12s`; `?` when not finite.
 *
 * @param seconds The duration.
 * @returns The short text.
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const s = Math.round(seconds);
  if (s >= 3600) {
    return `${Math.floor(s / 3600)}h${
      String(Math.floor((s % 3600) / 60)).padStart(2, "0")
    }m`;
  }
  if (s >= 60) {
    return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  }
  return `${s}s`;
}

/** Whether this process is a child of `bench --jobs` (GANBENCH_JOB=1). */
function isJobChild(): boolean {
  try {
    return Deno.env.get("GANBENCH_JOB") === "1";
  } catch {
    return false; // without env permission, assume a terminal of its own
  }
}
