import { setupCpu } from "../models/_setup.ts";
import { loadSynthetic } from "../../src/data/synthetic.ts";
import { assertResumeExact, RESUME_SCHEDULE } from "./_resume.ts";

await setupCpu();
const data = loadSynthetic({ size: 16, trainCount: 128, testCount: 16 });

Deno.test("resume on cpu: Adam (β₂ = 0.999), BatchNorm, dropout and the G average are bit-exact", async () => {
  const dir = await Deno.makeTempDir();
  await assertResumeExact(data, {
    variant: "cgan",
    loss: "ns",
    config: { ...RESUME_SCHEDULE, gEma: 0.99 },
  }, dir);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("resume on cpu: the RMSProp critic with clipping (wgan) and wgan-gp are bit-exact", async () => {
  const dir = await Deno.makeTempDir();
  for (const loss of ["wgan", "wgan-gp"]) {
    await assertResumeExact(data, {
      variant: "mlp",
      loss,
      config: { ...RESUME_SCHEDULE, nCritic: 2 },
    }, dir);
  }
  await Deno.remove(dir, { recursive: true });
});
