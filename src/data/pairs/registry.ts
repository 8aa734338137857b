/**
 * The paired translation tasks by id: each task's facts, the function that
 * builds its pairs from the source data set, and its trivial answer.
 *
 * @module
 */
import { loadDataset } from "../registry.ts";
import type { Dataset, LoadOptions } from "../types.ts";
import { buildColorize, COLORIZE_TASK } from "./colorize.ts";
import { buildEdges, EDGES_TASK } from "./edges.ts";
import { buildInpaint, INPAINT_TASK } from "./inpaint.ts";
import { buildSuperres, SUPERRES_TASK } from "./superres.ts";
import {
  trivialColorize,
  trivialEdges,
  trivialInpaint,
  trivialSuperres,
} from "./trivial.ts";
import type {
  PairBatch,
  PairedDataset,
  PairTask,
  PairTaskId,
  PairTrainStats,
} from "./types.ts";

/** What the registry knows of a task. */
export interface PairTaskEntry {
  /** The task's facts. */
  task: PairTask;
  /**
   * The task's pairs of a data set (lazy; train-split constants computed
   * now). Throws one line when `dataset` is not the task's source.
   *
   * @param dataset The source data set.
   * @returns The paired data set.
   */
  build(dataset: Dataset): PairedDataset;
  /**
   * The trivial answer to a batch, from its inputs and the train stats.
   *
   * @param batch A batch of this task.
   * @param stats The stats of the paired data set the batch came from.
   * @returns Float32 NHWC in [−1, 1], the targets' shape.
   */
  trivial(batch: PairBatch, stats: PairTrainStats): Float32Array;
}

/** Every paired task by id; a new task is one entry here. */
export const PAIR_TASKS: Readonly<Record<PairTaskId, PairTaskEntry>> = {
  "colorize-cifar10": {
    task: COLORIZE_TASK,
    build: buildColorize,
    trivial: trivialColorize,
  },
  "superres4-cifar10": {
    task: SUPERRES_TASK,
    build: buildSuperres,
    trivial: trivialSuperres,
  },
  "inpaint-mnist": {
    task: INPAINT_TASK,
    build: buildInpaint,
    trivial: trivialInpaint,
  },
  "edges2fashion": {
    task: EDGES_TASK,
    build: buildEdges,
    trivial: trivialEdges,
  },
};

/** The task ids, in registry order. */
export const PAIR_TASK_IDS: readonly PairTaskId[] = Object.keys(
  PAIR_TASKS,
) as PairTaskId[];

/**
 * Whether a text is a paired task id (case-sensitive).
 *
 * @param id The text.
 * @returns True for a key of {@linkcode PAIR_TASKS}.
 * @example
 * ```ts
 * import { isPairTaskId } from "./registry.ts";
 * isPairTaskId("inpaint-mnist"); // true
 * isPairTaskId("inpaint"); // false
 * ```
 */
export function isPairTaskId(id: string): id is PairTaskId {
  return Object.hasOwn(PAIR_TASKS, id);
}

/**
 * A task's registry entry; throws one line listing the valid ids.
 *
 * @param id The task id.
 * @returns The entry.
 * @example
 * ```ts
 * import { getPairTask } from "./registry.ts";
 * getPairTask("colorize-cifar10").task.inputShape.channels; // 1
 * ```
 */
export function getPairTask(id: string): PairTaskEntry {
  if (!isPairTaskId(id)) {
    throw new Error(
      `unknown paired task "${id}": expected one of ${
        PAIR_TASK_IDS.join(", ")
      }`,
    );
  }
  return PAIR_TASKS[id];
}

/**
 * The trivial answer to a batch of a paired data set.
 *
 * @param pairs The paired data set the batch came from.
 * @param batch The batch.
 * @returns Float32 NHWC in [−1, 1], the targets' shape.
 * @example
 * ```ts
 * import { loadSynthetic } from "../synthetic.ts";
 * import { getPairTask, trivialAnswer } from "./registry.ts";
 * const ds = loadSynthetic({ size: 28, trainCount: 8, testCount: 4 });
 * const pairs = getPairTask("inpaint-mnist").build(ds);
 * const batch = pairs.test.batch([0, 1, 2, 3]);
 * trivialAnswer(pairs, batch).length === batch.target.length; // true
 * ```
 */
export function trivialAnswer(
  pairs: PairedDataset,
  batch: PairBatch,
): Float32Array {
  return getPairTask(pairs.task.id).trivial(batch, pairs.stats);
}

/**
 * Loads a task's source data set (with its usual checks and errors, e.g.
 * Fashion-MNIST not installed) and builds the task's pairs.
 *
 * @param id The task id.
 * @param options Load options of the source data set.
 * @returns The paired data set.
 * @example
 * ```ts
 * import { loadPairs } from "./registry.ts";
 * const pairs = await loadPairs("inpaint-mnist");
 * pairs.test.count; // 10000
 * ```
 */
export async function loadPairs(
  id: string,
  options: LoadOptions = {},
): Promise<PairedDataset> {
  const entry = getPairTask(id);
  return entry.build(await loadDataset(entry.task.source, options));
}
