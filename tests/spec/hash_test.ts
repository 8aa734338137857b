import { assert } from "../_assert.ts";
import { canonicalJson, specHash } from "../../src/spec/hash.ts";
import { parseSpec } from "../../src/spec/spec.ts";
import { BUILTIN_CONFIG } from "../../src/spec/defaults.ts";
import { tinySpec } from "../matrix/_helpers.ts";

Deno.test("canonicalJson sorts keys at every level", () => {
  assert.equal(
    canonicalJson({ b: 1, a: [2, { d: 3, c: [] }], e: undefined }),
    '{"a":[2,{"c":[],"d":3}],"b":1}',
  );
});

Deno.test("specHash is stable under key order and formatting", () => {
  const text1 =
    '{"name":"x","datasets":["mnist"],"variants":["mlp"],"losses":["ns"],"seeds":[0],"defaults":{"steps":5,"batchSize":8}}';
  const text2 = `{
    "defaults": { "batchSize": 8, "steps": 5 },
    "seeds": [0], "losses": ["ns"], "variants": ["mlp"],
    "datasets": ["mnist"], "name": "x"
  }`;
  const h1 = specHash(parseSpec(JSON.parse(text1), "1"));
  const h2 = specHash(parseSpec(JSON.parse(text2), "2"));
  assert.equal(h1, h2);
  assert.match(h1, /^[0-9a-f]{64}$/);
});

Deno.test("specHash: description and explicit built-in defaults do not matter; settings and order do", () => {
  const base = tinySpec();
  const h = specHash(base);
  assert.equal(specHash({ ...base, description: "other words" }), h);
  assert.equal(
    specHash({
      ...base,
      defaults: { ...base.defaults, nEval: BUILTIN_CONFIG.nEval },
    }),
    h,
  );
  assert.notEqual(
    specHash({ ...base, defaults: { ...base.defaults, steps: 11 } }),
    h,
  );
  assert.notEqual(
    specHash({ ...base, seeds: [1, 0] }),
    h,
    "order is part of the spec",
  );
  assert.notEqual(specHash({ ...base, name: "other" }), h);
});

Deno.test("specHash is a known value (changes only when the spec format changes)", () => {
  // Pinned so that an accidental change of the canonical form or of the
  // built-in defaults is noticed: run directories made before such a change
  // can no longer be resumed or merged. Update deliberately.
  assert.equal(
    specHash(tinySpec()),
    "3c02e43aae4b9f00398b884abe7fb1418f6e79e2d3d4be0f323a763ea17df695",
  );
});
