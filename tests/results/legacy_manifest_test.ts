/**
 * Results written before the `budget` setting existed hashed their spec
 * without it: they still read back (their cells counted G steps), while an
 * edited spec is still refused.
 *
 * @module
 */
import { join } from "node:path";
import { assert } from "../_assert.ts";
import { readManifest } from "../../src/results/manifest.ts";
import { legacySpecHash, specHash } from "../../src/spec/hash.ts";
import { parseSpec } from "../../src/spec/spec.ts";

const SPEC = {
  name: "legacy",
  datasets: ["mnist"],
  variants: ["mlp"],
  losses: ["ns"],
  seeds: [0],
  defaults: { steps: 10 },
};

async function manifestWith(hash: string, spec: unknown): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "ganbench-legacy-" });
  await Deno.writeTextFile(
    join(dir, "manifest.json"),
    JSON.stringify({ specHash: hash, spec, cells: {} }),
  );
  return dir;
}

Deno.test("readManifest accepts the pre-budget hash of a spec without budget", async () => {
  const spec = parseSpec(SPEC, "legacy");
  const legacy = legacySpecHash(spec)!;
  assert.notEqual(legacy, specHash(spec));
  const dir = await manifestWith(legacy, SPEC);
  try {
    const m = await readManifest(dir);
    assert.equal(m?.specHash, legacy);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readManifest still refuses an edited spec, and a budget spec under the old hash", async () => {
  const spec = parseSpec(SPEC, "legacy");
  const edited = { ...SPEC, seeds: [1] };
  const dir = await manifestWith(legacySpecHash(spec)!, edited);
  const withBudget = { ...SPEC, defaults: { steps: 10, budget: "g-steps" } };
  const dir2 = await manifestWith(legacySpecHash(spec)!, withBudget);
  try {
    await assert.rejects(readManifest(dir), /does not match its spec/);
    await assert.rejects(readManifest(dir2), /does not match its spec/);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(dir2, { recursive: true });
  }
});
