/**
 * `wgan-gp`: Wasserstein GAN with gradient penalty (Gulrajani et al. 2017).
 * D: −s_r + s_f + λ·(‖∇x̂ D(x̂)‖₂ − 1)², λ = 10 (the penalty is added by the
 * training step, see src/train/gradient_penalty.ts); G: −s_f.
 * Adam 1e-4, β = (0.5, 0.9), n_critic 5. The critic must not use BatchNorm.
 *
 * @module
 */
import type { Loss } from "./types.ts";
import { negativeScoreGLoss, wassersteinDLoss } from "./wgan.ts";

/**
 * The `wgan-gp` loss.
 *
 * @example
 * ```ts
 * import { wganGp } from "./wgan_gp.ts";
 * wganGp.gradientPenalty; // 10
 * ```
 */
export const wganGp: Loss = {
  id: "wgan-gp",
  description: "D: −s_r + s_f + 10·(‖∇x̂ D(x̂)‖₂ − 1)²; G: −s_f",
  probability: false,
  dLoss: wassersteinDLoss,
  gLoss: negativeScoreGLoss,
  gradientPenalty: 10,
  nCritic: 5,
  optimizer: { name: "adam", learningRate: 1e-4, beta1: 0.5, beta2: 0.9 },
  equilibriumDLoss: 0,
};
