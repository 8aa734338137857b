/**
 * Bad-input and fault probes against the command line, run as a user runs
 * it (`deno task <command> …`, with the task's own permissions): bad flags,
 * bad specs, bad data, results-directory faults, compare / report / merge on
 * damaged inputs, evaluator faults and permissions. Every probe checks three
 * things: the exit code (2 for usage and input errors), that the error is one
 * line, and that no file it must not touch changed (a finished results
 * directory, the shipped evaluator weights, a directory outside `--out`).
 *
 * Run: `deno run -A benchmarks/probes.ts [name filter]` (about a minute:
 * each probe starts a Deno process). Prints a Markdown table and exits 1 when
 * a probe fails. Scratch files live in `results/_probes/` and are removed.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { acquireRunLock, type RunLock } from "../src/results/lock.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const SCRATCH = join(ROOT, "results", "_probes");
const BASELINE = join(ROOT, "results", "baseline");
const WEIGHTS = join(ROOT, "src", "metrics", "evaluators", "weights");

/** One probe: what it runs and what it expects. */
interface Probe {
  /** Short name in the table. */
  name: string;
  /** Category (bad flags, bad specs, …). */
  category: string;
  /** The deno task and its arguments; `$S` is replaced by the scratch dir. */
  task: string;
  /** Arguments (`$S` = scratch directory, `$B` = baseline copy). */
  args: string[];
  /** Expected exit code. */
  exit: number;
  /** Builds the probe's inputs in the scratch directory. */
  setup?: (scratch: string) => Promise<void>;
  /** Directories (under scratch, or absolute) whose files must not change. */
  untouched?: string[];
}

/** Copies a directory tree. */
async function copyDir(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    const a = join(from, entry.name);
    const b = join(to, entry.name);
    if (entry.isDirectory) await copyDir(a, b);
    else await Deno.copyFile(a, b);
  }
}

/** md5 of every file under a directory (relative path → hash); none: {}. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  async function walk(d: string): Promise<void> {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(d));
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(d, entry.name);
      if (entry.isDirectory) await walk(path);
      else {
        const bytes = await Deno.readFile(path);
        out[relative(dir, path)] = createHash("md5").update(bytes).digest(
          "hex",
        );
      }
    }
  }
  await walk(dir);
  return out;
}

/** The files that differ between two snapshots (added, removed, changed). */
function changed(
  before: Record<string, string>,
  after: Record<string, string>,
): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((n) => before[n] !== after[n]).sort();
}

async function writeText(path: string, text: string): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  await Deno.writeTextFile(path, text);
}

/** Rewrites the last data row of a CSV file with `edit`. */
async function editLastRow(
  path: string,
  edit: (cells: string[], header: string[]) => void,
): Promise<void> {
  const lines = (await Deno.readTextFile(path)).trimEnd().split("\n");
  const header = lines[0].split(",");
  const cells = lines[lines.length - 1].split(",");
  edit(cells, header);
  lines[lines.length - 1] = cells.join(",");
  await Deno.writeTextFile(path, lines.join("\n") + "\n");
}

/** A copy of the committed baseline at `$S/<name>`. */
function baselineCopy(name: string): (s: string) => Promise<void> {
  return (s) => copyDir(BASELINE, join(s, name));
}

/** Sets one metric of every file's last row in a baseline copy. */
function withMetric(name: string, column: string, value: string) {
  return async (s: string) => {
    await copyDir(BASELINE, join(s, name));
    for (const file of ["metrics.csv", "summary.csv"]) {
      const path = join(s, name, file);
      try {
        await Deno.stat(path);
      } catch {
        continue;
      }
      await editLastRow(path, (cells, header) => {
        cells[header.indexOf(column)] = value;
      });
    }
  };
}

const SPEC_OK = {
  name: "probe",
  datasets: ["mnist"],
  variants: ["mlp"],
  losses: ["ns"],
  seeds: [0],
  defaults: { steps: 4, batchSize: 8, evalEvery: 4, nEval: 64 },
};

/**
 * Arguments of a bench run of `$S/spec.json` ({@linkcode SPEC_OK}) into a
 * scratch `--out`, one job, with `extra` flags in between.
 */
function specRun(...extra: string[]): string[] {
  return [
    "--profile",
    "$S/spec.json",
    ...extra,
    "--out",
    "results/_probes/out",
    "--jobs",
    "1",
  ];
}

/** The probes. */
const PROBES: Probe[] = [
  // Bad flags.
  ...[
    ["--steps", "abc"],
    ["--steps", "-5"],
    ["--steps", "0"],
    ["--seeds", "-1"],
    ["--seeds", "a,b"],
    ["--batch-size", "0"],
    ["--n-eval", "1.5"],
    ["--variants", "nope"],
    ["--losses", "nope"],
    ["--datasets", "nope"],
    ["--backend", "nope"],
    ["--jobs", "0"],
    ["--jobs", "many"],
    ["--shard", "3/2"],
    ["--shard", "x"],
    ["--profile", "nosuch"],
    ["--bogus", "1"],
  ].map(([flag, value]): Probe => ({
    name: `bench ${flag} ${value} --dry-run`,
    category: "bad flags",
    task: "bench",
    args: [flag, value, "--dry-run"],
    exit: 2,
  })),
  {
    name: "compare with one directory",
    category: "bad flags",
    task: "compare",
    args: ["results/baseline"],
    exit: 2,
  },
  {
    name: "compare --alpha 2",
    category: "bad flags",
    task: "compare",
    args: ["results/baseline", "results/baseline", "--alpha", "2"],
    exit: 2,
  },
  {
    name: "compare --fail-on fid:+five%",
    category: "bad flags",
    task: "compare",
    args: ["results/baseline", "$S/b", "--fail-on", "fid:+five%"],
    setup: baselineCopy("b"),
    exit: 2,
  },
  {
    name: "report without a directory",
    category: "bad flags",
    task: "report",
    args: [],
    exit: 2,
  },
  {
    name: "report --formats pdf",
    category: "bad flags",
    task: "report",
    args: ["$S/b", "--formats", "pdf"],
    setup: baselineCopy("b"),
    untouched: ["b"],
    exit: 2,
  },
  {
    name: "merge without --out",
    category: "bad flags",
    task: "merge",
    args: ["results/baseline"],
    exit: 2,
  },
  {
    name: "train-evaluator --dataset nope",
    category: "bad flags",
    task: "train-evaluator",
    args: ["--dataset", "nope"],
    untouched: [WEIGHTS],
    exit: 2,
  },
  {
    name: "train-evaluator --epochs -1",
    category: "bad flags",
    task: "train-evaluator",
    args: ["--epochs", "-1"],
    untouched: [WEIGHTS],
    exit: 2,
  },
  {
    name: "bench --eval-every 1000 --dry-run (default profile)",
    category: "bad flags",
    task: "bench",
    args: ["--eval-every", "1000", "--dry-run"],
    exit: 0,
  },
  {
    name: "train-evaluator --replace-shipped without --id",
    category: "bad flags",
    task: "train-evaluator",
    args: ["--dataset", "mnist", "--replace-shipped"],
    untouched: [WEIGHTS],
    exit: 2,
  },
  {
    name: "train-evaluator --out into the shipped weights",
    category: "bad flags",
    task: "train-evaluator",
    args: [
      "--dataset",
      "mnist",
      "--out",
      "src/metrics/evaluators/weights/mnist",
    ],
    untouched: [WEIGHTS],
    exit: 2,
  },
  // Bad specs.
  {
    name: "spec file missing",
    category: "bad specs",
    task: "bench",
    args: ["--profile", "$S/none.json", "--dry-run"],
    exit: 2,
  },
  {
    name: "spec not JSON",
    category: "bad specs",
    task: "bench",
    args: ["--profile", "$S/bad.json", "--dry-run"],
    setup: (s) => writeText(join(s, "bad.json"), "{ not json"),
    exit: 2,
  },
  {
    name: "spec with an unknown key",
    category: "bad specs",
    task: "bench",
    args: ["--profile", "$S/bad.json", "--dry-run"],
    setup: (s) =>
      writeText(join(s, "bad.json"), JSON.stringify({ ...SPEC_OK, stpes: 3 })),
    exit: 2,
  },
  {
    name: "spec with an unknown variant",
    category: "bad specs",
    task: "bench",
    args: ["--profile", "$S/bad.json", "--dry-run"],
    setup: (s) =>
      writeText(
        join(s, "bad.json"),
        JSON.stringify({ ...SPEC_OK, variants: ["mlp", "vit"] }),
      ),
    exit: 2,
  },
  {
    name: "spec with a negative step count",
    category: "bad specs",
    task: "bench",
    args: ["--profile", "$S/bad.json", "--dry-run"],
    setup: (s) =>
      writeText(
        join(s, "bad.json"),
        JSON.stringify({ ...SPEC_OK, defaults: { steps: -4 } }),
      ),
    exit: 2,
  },
  // Bad data.
  {
    name: "truncated MNIST images file",
    category: "bad data",
    task: "bench",
    args: specRun("--data-dir", "$S/data"),
    setup: async (s) => {
      await writeText(join(s, "spec.json"), JSON.stringify(SPEC_OK));
      await Deno.mkdir(join(s, "data"), { recursive: true });
      for (const f of ["train-images", "t10k-images"]) {
        await Deno.writeFile(
          join(s, "data", `${f}-idx3-ubyte`),
          new Uint8Array([0, 0, 8, 3, 0, 0, 0xea, 0x60, 0, 0, 0, 28]),
        );
      }
      for (const f of ["train-labels", "t10k-labels"]) {
        await Deno.writeFile(
          join(s, "data", `${f}-idx1-ubyte`),
          new Uint8Array([0, 0, 8, 1, 0, 0, 0xea, 0x60, 1, 2]),
        );
      }
    },
    exit: 2,
  },
  {
    name: "data directory missing",
    category: "bad data",
    task: "bench",
    args: specRun("--data-dir", "$S/nodata"),
    setup: (s) => writeText(join(s, "spec.json"), JSON.stringify(SPEC_OK)),
    exit: 2,
  },
  // Results-directory faults (a finished smoke run: resuming must refuse and
  // leave it as it was).
  ...resultsDirProbes(),
  // compare / report / merge on damaged inputs.
  {
    name: "compare: candidate identical (control)",
    category: "compare/report/merge",
    task: "compare",
    args: [
      "results/baseline",
      "$S/b",
      "--out",
      "results/_probes/c.json",
      "--quiet",
    ],
    setup: baselineCopy("b"),
    exit: 0,
  },
  ...[["nan", "nan"], ["inf", "Infinity"], ["text", "abc"]].map((
    [what, value],
  ): Probe => ({
    name: `compare: fid is ${what}`,
    category: "compare/report/merge",
    task: "compare",
    args: [
      "results/baseline",
      "$S/b",
      "--out",
      "results/_probes/c.json",
      "--quiet",
    ],
    setup: withMetric("b", "fid", value),
    exit: 2,
  })),
  {
    name: "compare: last row cut off",
    category: "compare/report/merge",
    task: "compare",
    args: [
      "results/baseline",
      "$S/b",
      "--out",
      "results/_probes/c.json",
      "--quiet",
    ],
    setup: async (s) => {
      await copyDir(BASELINE, join(s, "b"));
      await truncateTail(join(s, "b", "metrics.csv"), 40);
    },
    exit: 2,
  },
  {
    name: "compare: a cell group missing",
    category: "compare/report/merge",
    task: "compare",
    args: [
      "results/baseline",
      "$S/b",
      "--out",
      "results/_probes/c.json",
      "--quiet",
    ],
    setup: async (s) => {
      await copyDir(BASELINE, join(s, "b"));
      const path = join(s, "b", "metrics.csv");
      const lines = (await Deno.readTextFile(path)).trimEnd().split("\n");
      await Deno.writeTextFile(
        path,
        lines.filter((l) => !l.startsWith("mnist-mlp-ns-s0,")).join("\n") +
          "\n",
      );
    },
    exit: 2,
  },
  {
    name: "compare: candidate directory missing",
    category: "compare/report/merge",
    task: "compare",
    args: ["results/baseline", "$S/none", "--quiet"],
    exit: 2,
  },
  {
    name: "report: metrics.csv cut off",
    category: "compare/report/merge",
    task: "report",
    args: ["$S/b", "--out", "results/_probes/r"],
    setup: async (s) => {
      await copyDir(BASELINE, join(s, "b"));
      await truncateTail(join(s, "b", "metrics.csv"), 40);
    },
    untouched: ["b"],
    exit: 2,
  },
  {
    name: "report: directory missing",
    category: "compare/report/merge",
    task: "report",
    args: ["$S/none"],
    exit: 2,
  },
  {
    name: "merge: shard cell id ../../../victim",
    category: "compare/report/merge",
    task: "merge",
    args: ["$S/shard", "--out", "results/_probes/m/out"],
    setup: async (s) => {
      await copyDir(BASELINE, join(s, "shard"));
      await writeText(join(s, "victim", "keep.txt"), "do not delete");
      const path = join(s, "shard", "metrics.csv");
      const text = await Deno.readTextFile(path);
      await Deno.writeTextFile(
        path,
        text.replaceAll("mnist-mlp-ns-s0,", "../../../victim,"),
      );
    },
    untouched: ["victim", "shard"],
    exit: 2,
  },
  {
    name: "merge: manifest not JSON",
    category: "compare/report/merge",
    task: "merge",
    args: ["$S/shard", "--out", "results/_probes/m2"],
    setup: async (s) => {
      await copyDir(BASELINE, join(s, "shard"));
      await Deno.writeTextFile(join(s, "shard", "manifest.json"), "{");
    },
    untouched: ["shard"],
    exit: 2,
  },
  // Evaluator faults.
  {
    name: "--evaluator file missing",
    category: "evaluator faults",
    task: "bench",
    args: specRun("--evaluator", "$S/nosuch.json"),
    setup: (s) => writeText(join(s, "spec.json"), JSON.stringify(SPEC_OK)),
    exit: 2,
  },
  {
    name: "--evaluator not JSON",
    category: "evaluator faults",
    task: "bench",
    args: specRun("--evaluator", "$S/ev.json"),
    setup: async (s) => {
      await writeText(join(s, "spec.json"), JSON.stringify(SPEC_OK));
      await writeText(join(s, "ev.json"), "not json");
    },
    exit: 2,
  },
  {
    name: "--evaluator spec names a missing model",
    category: "evaluator faults",
    task: "bench",
    args: specRun("--evaluator", "$S/ev.json"),
    setup: async (s) => {
      await writeText(join(s, "spec.json"), JSON.stringify(SPEC_OK));
      await writeText(
        join(s, "ev.json"),
        JSON.stringify({ path: "missing/model.json", featureOutput: "f" }),
      );
    },
    exit: 2,
  },
  {
    name: "--evaluator inception, weight file missing",
    category: "evaluator faults",
    task: "bench",
    args: specRun(
      "--evaluator",
      "inception",
      "--inception-weights",
      "$S/none.pth",
    ),
    setup: (s) => writeText(join(s, "spec.json"), JSON.stringify(SPEC_OK)),
    exit: 2,
  },
  // Permissions.
  {
    name: "bench --out outside results/ (--jobs 2)",
    category: "permissions",
    task: "bench",
    args: [
      "--profile",
      "smoke",
      "--out",
      "/tmp/ganbench_probe_out",
      "--jobs",
      "2",
    ],
    exit: 2,
  },
  {
    name: "bench --out outside results/ (--jobs 1)",
    category: "permissions",
    task: "bench",
    args: [
      "--profile",
      "smoke",
      "--out",
      "/tmp/ganbench_probe_out",
      "--jobs",
      "1",
    ],
    exit: 2,
  },
];

/** Cuts `bytes` bytes off the end of a file (a row cut off mid-line). */
async function truncateTail(path: string, bytes: number): Promise<void> {
  const data = await Deno.readFile(path);
  await Deno.writeFile(path, data.subarray(0, data.length - bytes));
}

/** Probes that resume into a damaged copy of the finished baseline run. */
function resultsDirProbes(): Probe[] {
  const out = "results/_probes/run";
  const base = (
    name: string,
    damage: (dir: string) => Promise<void>,
    extra: string[] = [],
  ): Probe => ({
    name,
    category: "results directory",
    task: "bench",
    args: ["--profile", "smoke", "--out", out, ...extra],
    setup: async () => {
      const dir = join(ROOT, out);
      await copyDir(BASELINE, dir);
      await damage(dir);
    },
    untouched: [join(ROOT, out)],
    exit: 2,
  });
  return [
    base(
      "manifest.json not JSON",
      (d) => Deno.writeTextFile(join(d, "manifest.json"), "{ cut"),
    ),
    base(
      "manifest.json missing, results present",
      (d) => Deno.remove(join(d, "manifest.json")),
    ),
    base(
      "metrics.csv cut off mid-line",
      (d) => truncateTail(join(d, "metrics.csv"), 40),
    ),
    base("a different spec (--seeds 5)", () => Promise.resolve(), [
      "--seeds",
      "5",
      "--jobs",
      "1",
    ]),
    base(
      "a different spec (--seeds 5, --jobs 2)",
      () => Promise.resolve(),
      ["--seeds", "5", "--jobs", "2"],
    ),
    base("another process holds the lock", (d) => {
      // This probe process takes the directory's lock and keeps it.
      heldLock = acquireRunLock(d);
      return Promise.resolve();
    }),
  ];
}

/** A lock the current probe holds (released after it). */
let heldLock: RunLock | undefined;

/** Result of one probe. */
interface Outcome {
  probe: Probe;
  code: number;
  oneLine: boolean;
  damaged: string[];
  stderr: string;
}

async function runProbe(probe: Probe): Promise<Outcome> {
  await Deno.remove(SCRATCH, { recursive: true }).catch(() => {});
  await Deno.mkdir(SCRATCH, { recursive: true });
  await probe.setup?.(SCRATCH);
  const guarded = (probe.untouched ?? []).map((p) =>
    p.startsWith("/") ? p : join(SCRATCH, p)
  );
  const before = await Promise.all(guarded.map(snapshot));
  const args = probe.args.map((a) => a.replace("$S", relative(ROOT, SCRATCH)));
  const result = await new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", probe.task, ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const stderr = new TextDecoder().decode(result.stderr).trim();
  const after = await Promise.all(guarded.map(snapshot));
  heldLock?.release();
  heldLock = undefined;
  const damaged = guarded.flatMap((dir, i) =>
    changed(before[i], after[i]).map((f) => join(relative(ROOT, dir), f))
  );
  return {
    probe,
    code: result.code,
    oneLine: probe.exit === 0 || isOneLineError(stderr),
    damaged,
    stderr,
  };
}

/**
 * Whether an error output is one line: progress lines may precede it, but
 * the last line is ganbench's message and nothing looks like a stack trace.
 */
function isOneLineError(stderr: string): boolean {
  const lines = stderr.split("\n").filter((l) => l.trim() !== "");
  const last = lines.at(-1) ?? "";
  const trace = lines.some((l) =>
    /^\s+at |Uncaught|Stack backtrace|^\s*\^/.test(l)
  );
  return last.startsWith("ganbench") && !trace;
}

function escapeCell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ⏎ ");
}

if (import.meta.main) {
  const only = Deno.args[0];
  const outcomes: Outcome[] = [];
  for (const probe of PROBES) {
    if (only && !probe.name.includes(only)) continue;
    const outcome = await runProbe(probe);
    outcomes.push(outcome);
    const ok = outcome.code === probe.exit && outcome.oneLine &&
      outcome.damaged.length === 0;
    console.error(
      `${ok ? "ok  " : "FAIL"} ${probe.name}: exit ${outcome.code}` +
        (ok ? "" : ` | ${outcome.stderr.slice(0, 400)}`),
    );
  }
  await Deno.remove(SCRATCH, { recursive: true }).catch(() => {});
  await Deno.remove("/tmp/ganbench_probe_out", { recursive: true }).catch(
    () => {},
  );
  console.log(
    "| category | probe | exit (expected) | one line | data damaged | result |",
  );
  console.log("|---|---|---|---|---|---|");
  let failed = 0;
  for (const o of outcomes) {
    const ok = o.code === o.probe.exit && o.oneLine && o.damaged.length === 0;
    if (!ok) failed++;
    console.log(
      `| ${o.probe.category} | ${
        escapeCell(o.probe.name)
      } | ${o.code} (${o.probe.exit}) | ${o.oneLine ? "yes" : "no"} | ${
        o.damaged.length ? escapeCell(o.damaged.join(", ")) : "no"
      } | ${ok ? "pass" : "FAIL"} |`,
    );
  }
  console.log(
    `\n${outcomes.length} probes, ${
      outcomes.length - failed
    } pass, ${failed} fail`,
  );
  if (failed) Deno.exit(1);
}
