/**
 * Runs `benchmarks/torch_peer.py`, the optional PyTorch peer of
 * `deno task perf`, under the first interpreter that can run it.
 *
 * @module
 */
import { errorText } from "../src/util/errors.ts";
import { parseJsonText } from "../src/util/json.ts";

/** Interpreters tried for the PyTorch peer (a pyenv shim may hide Debian's torch). */
export const PYTHONS: readonly string[] = ["python3", "/usr/bin/python3"];

/**
 * Runs `torch_peer.py` with `args` and parses its JSON output lines.
 *
 * @param args The script's arguments.
 * @returns One parsed object per stdout line that starts with `{`, or, when
 *   no interpreter ran it (no python3, no torch), one line saying why.
 * @example
 * ```ts ignore
 * const rows = await runTorchPeer(["--unet", "--steps", "4"]);
 * if (typeof rows === "string") console.error(`peer skipped: ${rows}`);
 * ```
 */
export async function runTorchPeer(
  args: string[],
): Promise<Record<string, unknown>[] | string> {
  const script = new URL("./torch_peer.py", import.meta.url).pathname;
  const what = `torch_peer.py ${args.join(" ")}`;
  let why = "no python3";
  for (const python of PYTHONS) {
    try {
      const out = await new Deno.Command(python, {
        args: [script, ...args],
        stdout: "piped",
        stderr: "piped",
      }).output();
      if (!out.success) {
        why = `${python}: ${
          new TextDecoder().decode(out.stderr).trim().split("\n").at(-1)
        }`;
        continue;
      }
      return new TextDecoder().decode(out.stdout).trim().split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) =>
          parseJsonText(l, `${python} ${what}`) as Record<string, unknown>
        );
    } catch (e) {
      why = `${python}: ${errorText(e)}`;
    }
  }
  return why;
}
