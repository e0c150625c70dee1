/** Takes what an iteration yields, in the background, for a test to wait on. */
export function collect<T>(iterable: AsyncIterable<T>) {
  const items: T[] = [];
  const waiters: { until: (items: T[]) => boolean; resolve: () => void }[] = [];
  let failure: unknown;
  let ended = false;
  const settle = () => {
    for (const waiter of [...waiters])
      if (waiter.until(items) || ended || failure !== undefined) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
  };
  const done = (async () => {
    try {
      for await (const item of iterable) {
        items.push(item);
        settle();
      }
    } catch (error) {
      failure = error;
    } finally {
      ended = true;
      settle();
    }
  })();
  return {
    items,
    /** Resolves once `until(items)` holds; throws when the iteration failed or ended before. */
    async until(until: (items: T[]) => boolean): Promise<void> {
      if (!until(items) && !ended && failure === undefined)
        await new Promise<void>((resolve) => waiters.push({ until, resolve }));
      if (failure !== undefined) throw failure;
      if (!until(items)) throw new Error(`the iteration ended after ${items.length} items`);
    },
    /** Whether anything came yet. */
    get any() {
      return items.length > 0;
    },
    /** Resolves when the iteration has ended; throws what it threw. */
    async ended(): Promise<void> {
      await done;
      if (failure !== undefined) throw failure;
    },
  };
}
