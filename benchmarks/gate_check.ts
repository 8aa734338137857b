/**
 * Measures the pull-request gate (`compare` on the `ci` profile): how often
 * it fails on a harmless change (false alarms) and how often it catches a
 * planted regression (detection rate).
 *
 * It trains pools of `ci` cells once, into `results/gate_check/<condition>/`
 * (a rerun resumes and skips finished pools), then replays the gate many
 * times in memory, each try on its own draw of seeds:
 *
 * - `same`: the unchanged code with `--pool-seeds` seeds. A false-alarm try
 *   draws 4 + 4 distinct seeds from it: baseline and candidate. A harmless
 *   change that alters the floating-point path acts like a change of seed
 *   (training is chaotic), so this is the gate's null hypothesis.
 * - `lr4`: the generator's learning rate divided by 4 (2e-4 → 5e-5).
 * - `minimax`: the `ns` generator loss swapped for the saturating `minimax`
 *   one: the `minimax` cells stand in for the candidate's `ns` cells; the
 *   other losses of the candidate come from `same` (their code is unchanged).
 * - `beta1`: Adam β₁ back to its textbook 0.9 for D and G (the DCGAN recipe
 *   the losses prescribe is 0.5): a plausible silent refactor.
 *
 * A regression try draws the baseline from `same` and the candidate from
 * the regression's pool. Tries overlap in seeds, so they are not
 * independent: the rates are estimates over the pools, and the pools' size
 * bounds what they can show (printed beside each rate).
 *
 * `deno run -A benchmarks/gate_check.ts [--pool-seeds 12] [--regression-seeds 6] [--tries 400] [--jobs 2] [--analyse-only]`
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { loadRun } from "../src/report/aggregate.ts";
import type { RunData } from "../src/report/aggregate.ts";
import { compareRuns } from "../src/report/compare.ts";
import { getLoss } from "../src/losses/registry.ts";
import { mulberry32 } from "../src/util/random.ts";

/** Where the pools go. */
const ROOT = "results/gate_check";
/** Seeds per side of one gate, as in the `ci` profile. */
const SIDE = 4;
/** First seed of the regression pools (distinct from the `same` pool's). */
const REGRESSION_SEED0 = 100;

/** A planted condition: how its spec differs from `ci`. */
interface Condition {
  /** Directory name and label. */
  id: string;
  /** What it plants. */
  what: string;
  /** Builds the spec from the `ci` spec and the seeds. */
  spec(ci: Record<string, unknown>, seeds: number[]): Record<string, unknown>;
}

const CONDITIONS: readonly Condition[] = [
  {
    id: "same",
    what: "unchanged code, other seeds",
    spec: (ci, seeds) => ({ ...ci, seeds }),
  },
  {
    id: "lr4",
    what: "G learning rate ÷ 4",
    spec: (ci, seeds) => ({
      ...ci,
      seeds,
      overrides: (ci.losses as string[]).map((loss) => ({
        match: { loss },
        set: {
          optimizer: {
            g: { learningRate: getLoss(loss).optimizer.learningRate / 4 },
          },
        },
      })),
    }),
  },
  {
    id: "minimax",
    what: "ns G loss → minimax",
    spec: (ci, seeds) => ({ ...ci, seeds, losses: ["minimax"] }),
  },
  {
    id: "beta1",
    what: "Adam β₁ 0.5 → 0.9 (D and G)",
    spec: (ci, seeds) => ({
      ...ci,
      seeds,
      defaults: {
        ...(ci.defaults as Record<string, unknown>),
        optimizer: { d: { beta1: 0.9 }, g: { beta1: 0.9 } },
      },
    }),
  },
];

/** Trains one pool (resuming) with `deno task bench`. */
async function trainPool(
  condition: Condition,
  ci: Record<string, unknown>,
  seeds: number[],
  jobs: string,
): Promise<void> {
  const dir = join(ROOT, condition.id);
  const specPath = join(ROOT, `${condition.id}.spec.json`);
  const spec = condition.spec(ci, seeds);
  spec.name = `gate-check-${condition.id}`;
  await Deno.mkdir(ROOT, { recursive: true });
  await Deno.writeTextFile(specPath, JSON.stringify(spec, null, 2) + "\n");
  const t0 = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "task",
      "bench",
      "--profile",
      specPath,
      "--backend",
      "wasm",
      "--jobs",
      jobs,
      "--out",
      dir,
    ],
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  const { code } = await child.status;
  if (code !== 0) {
    throw new Error(`gate_check: pool ${dir}: bench exited ${code}`);
  }
  console.log(
    `pool ${condition.id}: ${seeds.length} seeds in ${
      ((performance.now() - t0) / 60_000).toFixed(1)
    } min`,
  );
}

/** The run restricted to some seeds (and, optionally, relabelled losses). */
function subset(
  run: RunData,
  seeds: ReadonlySet<number>,
  relabel: Record<string, string> = {},
): RunData {
  const summary = run.summary
    .filter((r) => seeds.has(Number(r.seed)))
    .map((r) => relabel[r.loss] ? { ...r, loss: relabel[r.loss] } : r);
  return { ...run, summary };
}

/** Merges the rows of two runs (candidate cells from two pools). */
function union(a: RunData, b: RunData): RunData {
  const configs = new Map([...a.configs, ...b.configs]);
  return { ...a, summary: [...a.summary, ...b.summary], configs };
}

/** Draws k distinct values from a list. */
function draw(rng: () => number, from: readonly number[], k: number): number[] {
  const a = [...from];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a.slice(0, k);
}

/** Seeds present in a run. */
function seedsOf(run: RunData): number[] {
  return [...new Set(run.summary.map((r) => Number(r.seed)))].sort((x, y) =>
    x - y
  );
}

/** One row of the printed table. */
interface Rate {
  condition: string;
  what: string;
  tries: number;
  fails: number;
  /** Failing (loss, metric) pairs, counted over the tries. */
  byMetric: Record<string, number>;
  pool: string;
}

/** Replays the gate `tries` times for one condition. */
function replay(
  same: RunData,
  other: RunData | undefined,
  condition: Condition,
  tries: number,
  seed: number,
): Rate {
  const rng = mulberry32(seed);
  const sameSeeds = seedsOf(same);
  let fails = 0;
  const byMetric: Record<string, number> = {};
  for (let t = 0; t < tries; t++) {
    let base: RunData, cand: RunData;
    if (!other) {
      const six = draw(rng, sameSeeds, 2 * SIDE);
      base = subset(same, new Set(six.slice(0, SIDE)));
      cand = subset(same, new Set(six.slice(SIDE)));
    } else {
      const b = draw(rng, sameSeeds, SIDE);
      const c = draw(rng, seedsOf(other), SIDE);
      base = subset(same, new Set(b));
      if (condition.id === "minimax") {
        // ns cells from the minimax pool, the other losses unchanged.
        const rest = draw(rng, sameSeeds.filter((s) => !b.includes(s)), SIDE);
        const unchanged = subset(same, new Set(rest));
        unchanged.summary = unchanged.summary.filter((r) => r.loss !== "ns");
        cand = union(subset(other, new Set(c), { minimax: "ns" }), unchanged);
      } else {
        cand = subset(other, new Set(c));
      }
    }
    const result = compareRuns(base, cand);
    if (result.status === "fail") fails++;
    for (const g of result.groups) {
      for (const m of g.metrics) {
        if (m.verdict === "fail") {
          const key = `${g.loss}:${m.metric}`;
          byMetric[key] = (byMetric[key] ?? 0) + 1;
        }
      }
    }
  }
  return {
    condition: condition.id,
    what: condition.what,
    tries,
    fails,
    byMetric,
    pool: other
      ? `${sameSeeds.length} + ${seedsOf(other).length} seeds`
      : `${sameSeeds.length} seeds`,
  };
}

/** Whether a pool's run has a summary row for every cell. */
async function isFinishedPool(dir: string): Promise<boolean> {
  try {
    const run = await loadRun(dir);
    const cells = Object.values(run.manifest.cells);
    return cells.length > 0 && cells.every((c) => c.status !== "running") &&
      run.summary.length === cells.length;
  } catch {
    return false;
  }
}

/** Wilson 95 % interval of a proportion. */
function wilson(k: number, n: number): [number, number] {
  const z = 1.96, p = k / n;
  const d = 1 + z * z / n;
  const c = (p + z * z / (2 * n)) / d;
  const h = z * Math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d;
  return [Math.max(0, c - h), Math.min(1, c + h)];
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    strict: true,
    options: {
      "pool-seeds": { type: "string", default: "12" },
      "regression-seeds": { type: "string", default: "6" },
      tries: { type: "string", default: "400" },
      jobs: { type: "string", default: "2" },
      "analyse-only": { type: "boolean", default: false },
    },
  });
  const poolSeeds = Number(values["pool-seeds"]);
  const regressionSeeds = Number(values["regression-seeds"]);
  const tries = Number(values.tries);
  if (![poolSeeds, regressionSeeds, tries].every(Number.isInteger)) {
    throw new Error(
      "gate_check: --pool-seeds, --regression-seeds and --tries take integers",
    );
  }
  if (poolSeeds < 2 * SIDE || regressionSeeds < SIDE) {
    throw new Error(
      `gate_check: need --pool-seeds ≥ ${
        2 * SIDE
      } and --regression-seeds ≥ ${SIDE}`,
    );
  }
  const ci = JSON.parse(
    await Deno.readTextFile("benchmarks/profiles/ci.json"),
  ) as Record<string, unknown>;
  const range = (from: number, n: number) =>
    Array.from({ length: n }, (_, i) => from + i);
  if (!values["analyse-only"]) {
    for (const c of CONDITIONS) {
      const seeds = c.id === "same"
        ? range(0, poolSeeds)
        : range(REGRESSION_SEED0, regressionSeeds);
      await trainPool(c, ci, seeds, values.jobs);
    }
  }
  const same = await loadRun(join(ROOT, "same"));
  const rates: Rate[] = [];
  for (const [i, c] of CONDITIONS.entries()) {
    const dir = join(ROOT, c.id);
    if (c.id !== "same" && !await isFinishedPool(dir)) {
      console.log(`pool ${c.id}: not trained yet, skipped`);
      continue;
    }
    const other = c.id === "same" ? undefined : await loadRun(dir);
    rates.push(replay(same, other, c, tries, 1000 + i));
  }
  console.log(
    "\n| condition | planted | gate fails | rate | 95 % Wilson (as if independent) | failing loss:metric (tries) | pools |",
  );
  console.log("|---|---|---:|---:|---|---|---|");
  for (const r of rates) {
    const [lo, hi] = wilson(r.fails, r.tries);
    console.log(
      `| ${r.condition} | ${r.what} | ${r.fails} / ${r.tries} | ${
        (100 * r.fails / r.tries).toFixed(1)
      } % | ${(100 * lo).toFixed(1)}–${(100 * hi).toFixed(1)} % | ${
        Object.entries(r.byMetric).sort((a, b) => b[1] - a[1])
          .map(([k, v]) => `${k} ${v}`).join(", ") || "—"
      } | ${r.pool} |`,
    );
  }
}
