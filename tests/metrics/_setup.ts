/**
 * Test set-up for the metrics tests: backend selection, fixture loading and
 * the tensor-leak check.
 *
 * The backend is `cpu` unless `GANBENCH_TEST_BACKEND` names another one;
 * non-cpu backends are initialised through `src/backend/init.ts`
 * (`initBackend`) when that module exists.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { assert } from "../_assert.ts";

let ready: Promise<string> | null = null;

/**
 * Selects and initialises the test backend once.
 *
 * @returns The active backend name.
 */
export function setupBackend(): Promise<string> {
  ready ??= (async () => {
    const choice = Deno.env.get("GANBENCH_TEST_BACKEND") ?? "cpu";
    if (choice === "cpu") {
      await tf.setBackend("cpu");
    } else {
      const path = "../../src/backend/init.ts";
      const mod = await import(path);
      await mod.initBackend(choice);
    }
    await tf.ready();
    return tf.getBackend();
  })();
  return ready;
}

const FIXTURES = new URL("../fixtures/metrics/", import.meta.url);

/**
 * Reads a little-endian float32 fixture file.
 *
 * @param name File name inside tests/fixtures/metrics/.
 * @returns The values.
 */
export function readF32(name: string): Float32Array {
  const bytes = Deno.readFileSync(new URL(name, FIXTURES));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(4 * i, true);
  return out;
}

/**
 * Reads tests/fixtures/metrics/reference.json.
 *
 * @returns The parsed reference values.
 */
// deno-lint-ignore no-explicit-any
export function readReference(): any {
  return JSON.parse(
    Deno.readTextFileSync(new URL("reference.json", FIXTURES)),
  );
}

/**
 * Runs `fn` and asserts that it leaves the number of live tensors unchanged.
 *
 * @param fn The code under test.
 * @returns What `fn` returns.
 */
export async function noLeak<T>(fn: () => Promise<T> | T): Promise<T> {
  const before = tf.memory().numTensors;
  const out = await fn();
  assert.equal(tf.memory().numTensors, before, "tensor count changed");
  return out;
}
