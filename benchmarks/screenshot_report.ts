/**
 * Takes a screenshot of a `report.html` in headless Chromium, to check by
 * eye that the self-contained report renders (tables, inline SVG charts,
 * data: URI images).
 *
 * Needs Debian's `chromium` (`apt-get update && apt-get install -y
 * chromium`). As root Chromium requires `--no-sandbox`.
 *
 * @example
 * ```sh
 * deno run -A src/cli/main.ts report results/smoke
 * deno run --allow-run --allow-read --allow-write --allow-env benchmarks/screenshot_report.ts \
 *   results/smoke/report.html /tmp/report.png --window-size=1400,3000
 * ```
 *
 * @module
 */
import { resolve } from "node:path";

/** Options of {@linkcode screenshotReport}. */
export interface ScreenshotOptions {
  /** Window size `W,H` in CSS pixels (default `1400,3000`). */
  windowSize?: string;
  /** The Chromium binary (default `$CHROMIUM` or `chromium`). */
  chromium?: string;
  /** Give up after this many milliseconds (default 120,000). */
  timeoutMs?: number;
}

/**
 * Renders `htmlPath` with headless Chromium into the PNG `pngPath`.
 *
 * @param htmlPath The report file.
 * @param pngPath Where to write the screenshot.
 * @param options Window size, binary and timeout.
 * @returns The path written.
 * @throws Error When Chromium is missing, fails or writes no file.
 */
export async function screenshotReport(
  htmlPath: string,
  pngPath: string,
  options: ScreenshotOptions = {},
): Promise<string> {
  const chromium = options.chromium ?? Deno.env.get("CHROMIUM") ?? "chromium";
  const profile = await Deno.makeTempDir({ prefix: "ganbench-chromium-" });
  const out = resolve(pngPath);
  await Deno.remove(out).catch(() => {});
  const args = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    `--user-data-dir=${profile}`,
    `--screenshot=${out}`,
    `--window-size=${options.windowSize ?? "1400,3000"}`,
    `file://${resolve(htmlPath)}`,
  ];
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(),
    options.timeoutMs ?? 120_000,
  );
  try {
    let result: Deno.CommandOutput;
    try {
      result = await new Deno.Command(chromium, {
        args,
        stdout: "piped",
        stderr: "piped",
        signal: controller.signal,
      }).output();
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) {
        throw new Error(
          `${chromium}: not found (apt-get install -y chromium, or set CHROMIUM)`,
        );
      }
      throw e;
    }
    const info = await Deno.stat(out).catch(() => undefined);
    if (!info?.isFile || info.size === 0) {
      const err = new TextDecoder().decode(result.stderr).trim().split("\n")
        .slice(-3).join(" | ");
      throw new Error(
        `${chromium} wrote no screenshot (exit ${result.code}): ${err}`,
      );
    }
    return out;
  } finally {
    clearTimeout(timer);
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  }
}

if (import.meta.main) {
  const [html, png, ...rest] = Deno.args;
  if (!html || !png) {
    console.error(
      "usage: screenshot_report.ts <report.html> <out.png> [--window-size=W,H]",
    );
    Deno.exit(2);
  }
  const size = rest.find((a) => a.startsWith("--window-size="))?.split("=")[1];
  const path = await screenshotReport(html, png, { windowSize: size });
  console.log(`screenshot: ${path}`);
}
