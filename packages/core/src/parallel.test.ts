import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CancelledError, isCancelledError } from './errors/CancelledError.js';
import { parallel } from './parallel.js';
import { step } from './step.js';
import { createContext, type WorkflowContext } from './WorkflowContext.js';

/** Resolves to `value` after `ms`; rejects with the signal's reason when aborted first. */
const resolveAfter = <T>(ms: number, value: T, aborted: string[] = [], name = String(value)) =>
  step(
    (_input: unknown, ctx: WorkflowContext) =>
      new Promise<T>((resolve, reject) => {
        const onAbort = () => {
          clearTimeout(timer);
          aborted.push(name);
          reject(ctx.signal.reason);
        };
        const timer = setTimeout(() => {
          ctx.signal.removeEventListener('abort', onAbort);
          resolve(value);
        }, ms);
        ctx.signal.addEventListener('abort', onAbort, { once: true });
      }),
    { name },
  );
const failAfter = (ms: number, message: string) =>
  step(
    () =>
      new Promise<never>((_, reject) => {
        setTimeout(() => reject(new Error(message)), ms);
      }),
    { name: message },
  );

describe('parallel', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('gives every branch the same input and returns results in branch order', async () => {
    const p = parallel(
      step((x: number) => x + 1),
      step(async (x: number) => `${x}`),
      step((x: number) => x > 0),
    );
    const result: [number, string, boolean] = await p.run(1, createContext());
    expect(result).toEqual([2, '1', true]);
  });

  it('keeps branch order whatever the finishing order', async () => {
    const run = parallel([
      resolveAfter(30, 'slow'),
      resolveAfter(10, 'fast'),
      resolveAfter(20, 'mid'),
    ]).run(undefined, createContext());
    await vi.advanceTimersByTimeAsync(30);
    expect(await run).toEqual(['slow', 'fast', 'mid']);
  });

  it('runs each branch in its own child context', async () => {
    const ctx = createContext({ state: { shared: 1 } });
    const contexts: WorkflowContext[] = [];
    const branch = step((_: unknown, c: WorkflowContext) => {
      contexts.push(c);
      c.state.mine = contexts.length;
      return c.state.shared;
    });
    expect(await parallel(branch, branch).run(undefined, ctx)).toEqual([1, 1]);
    expect(contexts[0]).not.toBe(contexts[1]);
    expect(
      contexts.every((c) => c.causationId === ctx.correlationId && c.runId === ctx.runId),
    ).toBe(true);
    expect(ctx.state.mine).toBeUndefined();
  });

  it('in all mode raises the first failure and aborts the other branches', async () => {
    const aborted: string[] = [];
    const settled = parallel([
      resolveAfter(100, 'a', aborted),
      failAfter(10, 'b failed'),
      resolveAfter(100, 'c', aborted),
    ])
      .run(undefined, createContext())
      .catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(10);
    expect(((await settled) as Error).message).toBe('b failed');
    expect(aborted.sort()).toEqual(['a', 'c']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('in allSettled mode waits for every branch and reports each outcome', async () => {
    const run = parallel([resolveAfter(10, 'a'), failAfter(5, 'b failed')], {
      mode: 'allSettled',
    }).run(undefined, createContext());
    await vi.advanceTimersByTimeAsync(10);
    const results = await run;
    expect(results[0]).toEqual({ status: 'fulfilled', value: 'a' });
    expect(results[1]?.status).toBe('rejected');
  });

  it('in race mode settles with the first branch and aborts the rest', async () => {
    const aborted: string[] = [];
    const run = parallel([resolveAfter(30, 'slow', aborted), resolveAfter(10, 'fast', aborted)], {
      mode: 'race',
    }).run(undefined, createContext());
    await vi.advanceTimersByTimeAsync(10);
    expect(await run).toBe('fast');
    expect(aborted).toEqual(['slow']);
  });

  it('never runs more branches at once than the concurrency', async () => {
    let running = 0;
    let peak = 0;
    const branch = (i: number) =>
      step(async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 10));
        running--;
        return i;
      });
    const run = parallel([branch(0), branch(1), branch(2), branch(3), branch(4)], {
      concurrency: 2,
    }).run(undefined, createContext());
    await vi.advanceTimersByTimeAsync(30);
    expect(await run).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
  });

  it('stops promptly when the parent is aborted, even if branches ignore their signal', async () => {
    const controller = new AbortController();
    const deaf = step(() => new Promise((resolve) => setTimeout(resolve, 10_000)));
    const settled = parallel(deaf, deaf)
      .run(undefined, createContext({ signal: controller.signal }))
      .catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(5);
    controller.abort(new Error('user stop'));
    const error = await settled;
    expect(isCancelledError(error)).toBe(true);
    expect((error as CancelledError).cause).toEqual(new Error('user stop'));
  });

  it('does not start on an aborted context', async () => {
    const controller = new AbortController();
    controller.abort();
    let ran = false;
    const branch = step(() => {
      ran = true;
    });
    await expect(
      parallel(branch).run(undefined, createContext({ signal: controller.signal })),
    ).rejects.toBeInstanceOf(CancelledError);
    expect(ran).toBe(false);
  });

  it('refuses no branches and a concurrency below 1', () => {
    expect(() => parallel([])).toThrow(/at least one branch/);
    expect(() => parallel([step(() => 1)], { concurrency: 0 })).toThrow(/concurrency/);
  });
});
