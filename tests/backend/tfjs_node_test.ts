import { equal, match } from "../_assert.ts";
import { backendAvailability } from "../../src/backend/mod.ts";
import { CUDA_LIBRARIES } from "../../src/backend/_tfjs_node.ts";

/** Lays out a fake npm-installed package (no real binary is ever loaded). */
function fakePackage(
  root: string,
  name: string,
  opts: { binding: boolean },
): void {
  const dir = `${root}/node_modules/@tensorflow/${name}`;
  Deno.mkdirSync(`${dir}/deps/lib`, { recursive: true });
  Deno.writeTextFileSync(
    `${dir}/package.json`,
    JSON.stringify({ name: `@tensorflow/${name}`, version: "4.22.0" }),
  );
  Deno.writeTextFileSync(`${dir}/deps/lib/libtensorflow.so.2`, "");
  if (opts.binding) {
    Deno.mkdirSync(`${dir}/lib/napi-v8`, { recursive: true });
    Deno.writeTextFileSync(`${dir}/lib/napi-v8/tfjs_binding.node`, "");
  }
}

Deno.test("installed tfjs-node packages are detected and checked without loading them", async () => {
  const root = Deno.makeTempDirSync({ prefix: "ganbench_tfjs_node_" });
  const cwd = Deno.cwd();
  const ld = Deno.env.get("LD_LIBRARY_PATH");
  try {
    fakePackage(root, "tfjs-node-gpu", { binding: true });
    fakePackage(root, "tfjs-node", { binding: false });
    const libs = `${root}/libs`;
    Deno.mkdirSync(libs);
    Deno.writeTextFileSync(`${libs}/libcuda.so.1`, "");
    Deno.env.set("LD_LIBRARY_PATH", libs);
    Deno.chdir(root);

    let rows = await backendAvailability();
    equal(rows[0].available, false);
    match(
      rows[0].reason,
      /^tfjs-node-gpu 4\.22\.0 needs CUDA 11\.2 and cuDNN 8\.1: missing libcudart\.so\.11\.0, .*libcudnn\.so\.8/,
    );
    equal(rows[1].available, false);
    match(
      rows[1].reason,
      /^no native binding lib\/napi-v\*\/tfjs_binding\.node/,
    );

    // With every CUDA 11 library present, the last obstacle is the FFI permission.
    for (const lib of CUDA_LIBRARIES) {
      Deno.writeTextFileSync(`${libs}/${lib}`, "");
    }
    rows = await backendAvailability();
    const ffi =
      (await Deno.permissions.query({ name: "ffi" })).state === "granted";
    if (!ffi) {
      equal(rows[0].available, false);
      equal(rows[0].reason, "needs --allow-ffi to load its native binding");
    } else {
      equal(rows[0].available, true);
    }
  } finally {
    Deno.chdir(cwd);
    if (ld === undefined) Deno.env.delete("LD_LIBRARY_PATH");
    else Deno.env.set("LD_LIBRARY_PATH", ld);
    Deno.removeSync(root, { recursive: true });
  }
});
