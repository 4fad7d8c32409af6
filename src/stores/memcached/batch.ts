const ignore = () => {};

interface Batch<Step, Result> {
  steps: Step[];
  result: Promise<Result>;
}

/**
 * Serialises updates of one key within this process and combines the ones that queue up: while a
 * batch for a key is being written, later updates of that key wait together and go out as the next
 * batch, in one read-modify-write. Fifty concurrent requests on one session then cost a few
 * compare-and-swap rounds instead of fifty racing each other; compare-and-swap still settles races
 * with other processes. Every update of a batch gets the batch's result.
 *
 * @example
 * ```ts
 * const update = batchByKey(async (key, steps: Array<(n: number) => number>) => writeAll(key, steps))
 * await Promise.all([update('a', (n) => n + 1), update('a', (n) => n * 2)])
 * ```
 */
export function batchByKey<Step, Result>(
  run: (key: string, steps: Step[]) => Promise<Result>,
): (key: string, step: Step) => Promise<Result> {
  /** The batch of each key that has not started yet: new steps join it. */
  const open = new Map<string, Batch<Step, Result>>();
  /** The last batch of each key, running or queued: the next one starts when it settles. */
  const tails = new Map<string, Promise<void>>();

  return (key, step) => {
    const joining = open.get(key);
    if (joining) {
      joining.steps.push(step);
      return joining.result;
    }
    const batch = { steps: [step] } as Batch<Step, Result>;
    const previous = tails.get(key) ?? Promise.resolve();
    batch.result = previous.then(() => {
      if (open.get(key) === batch) open.delete(key); // closed: later steps form the next batch
      return run(key, batch.steps);
    });
    open.set(key, batch);
    const tail = batch.result.then(ignore, ignore);
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return batch.result;
  };
}
