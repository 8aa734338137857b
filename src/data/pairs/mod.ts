/**
 * Paired image-translation tasks (pix2pix style) built from ganbench's data
 * sets: CIFAR-10 colourisation and 4× super-resolution, MNIST centre
 * inpainting, Fashion-MNIST from edges. Pairs are float32 NHWC in [−1, 1],
 * made per batch from index lists; see `docs/translation.md`.
 *
 * @example
 * ```ts
 * import { BatchSampler, fixedSubset } from "../sampler.ts";
 * import { loadSynthetic } from "../synthetic.ts";
 * import { getPairTask, trivialAnswer } from "./mod.ts";
 *
 * // a 28×28 synthetic stand-in for MNIST
 * const ds = loadSynthetic({ size: 28, trainCount: 64, testCount: 16 });
 * const pairs = getPairTask("inpaint-mnist").build(ds);
 * const sampler = new BatchSampler(pairs.train.count, 8, 1);
 * const step = pairs.train.batch(sampler.next()); // a random training batch
 * const evalSet = pairs.test.batch(fixedSubset(pairs.test.count, 16, 0));
 * const reference = trivialAnswer(pairs, evalSet); // compare with evalSet.target
 * ```
 *
 * @module
 */
export type {
  PairBatch,
  PairedDataset,
  PairedSplit,
  PairTask,
  PairTaskId,
  PairTrainStats,
  SplitName,
} from "./types.ts";
export type { PairTaskEntry } from "./registry.ts";
export {
  getPairTask,
  isPairTaskId,
  loadPairs,
  PAIR_TASK_IDS,
  PAIR_TASKS,
  trivialAnswer,
} from "./registry.ts";
export {
  buildColorize,
  COLORIZE_TASK,
  LUMA_WEIGHTS,
  lumaUnit,
} from "./colorize.ts";
export { buildSuperres, SUPERRES_FACTOR, SUPERRES_TASK } from "./superres.ts";
export {
  buildInpaint,
  holeMean,
  inHole,
  INPAINT_FILL,
  INPAINT_HOLE,
  INPAINT_TASK,
} from "./inpaint.ts";
export {
  buildEdges,
  EDGE_THRESHOLD,
  EDGES_TASK,
  meanImage,
  sobelMagnitude,
} from "./edges.ts";
export {
  bilinearUpsample,
  trivialColorize,
  trivialEdges,
  trivialInpaint,
  trivialSuperres,
} from "./trivial.ts";
export { imagesTensor, pairTensors } from "./tensor.ts";
