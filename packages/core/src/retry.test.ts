import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CancelledError, isCancelledError } from './errors/CancelledError.js';
import { type RetryEvent, retry } from './retry.js';
import { step } from './step.js';
import { createContext } from './WorkflowContext.js';

/** A step that fails `failures` times, then returns 'ok'; records when each attempt started. */
function flaky(failures: number) {
  const attempts: number[] = [];
  const primitive = step(
    () => {
      attempts.push(Date.now());
      if (attempts.length <= failures) throw new Error(`failure ${attempts.length}`);
      return 'ok';
    },
    { name: 'flaky' },
  );
  return { primitive, attempts };
}

describe('retry', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('returns at once when the first attempt succeeds', async () => {
    const { primitive, attempts } = flaky(0);
    expect(await retry(primitive).run(undefined, createContext())).toBe('ok');
    expect(attempts).toHaveLength(1);
  });

  it.each([
    ['constant', [100, 100, 100]],
    ['linear', [100, 200, 300]],
    ['exponential', [100, 200, 400]],
  ] as const)('waits the %s backoff between attempts', async (backoff, expectedGaps) => {
    const { primitive, attempts } = flaky(3);
    const run = retry(primitive, { maxRetries: 3, backoff, initialDelayMs: 100 }).run(
      undefined,
      createContext(),
    );
    await vi.runAllTimersAsync();
    expect(await run).toBe('ok');
    expect(attempts.slice(1).map((t, i) => t - attempts[i]!)).toEqual(expectedGaps);
  });

  it('caps delays at maxDelayMs', async () => {
    const { primitive, attempts } = flaky(4);
    const run = retry(primitive, { maxRetries: 4, initialDelayMs: 100, maxDelayMs: 250 }).run(
      undefined,
      createContext(),
    );
    await vi.runAllTimersAsync();
    await run;
    expect(attempts.slice(1).map((t, i) => t - attempts[i]!)).toEqual([100, 200, 250, 250]);
  });

  it('applies jitter from the given random source', async () => {
    const { primitive, attempts } = flaky(2);
    const run = retry(primitive, { initialDelayMs: 100, jitter: 'full', random: () => 0.5 }).run(
      undefined,
      createContext(),
    );
    await vi.runAllTimersAsync();
    await run;
    expect(attempts.slice(1).map((t, i) => t - attempts[i]!)).toEqual([50, 100]);
  });

  it('makes maxRetries + 1 attempts, then raises the last error unchanged', async () => {
    const { primitive, attempts } = flaky(10);
    const run = retry(primitive, { maxRetries: 2, initialDelayMs: 10 }).run(
      undefined,
      createContext(),
    );
    const settled = run.catch((e: unknown) => e);
    await vi.runAllTimersAsync();
    const error = await settled;
    expect(attempts).toHaveLength(3);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('failure 3');
  });

  it('stops when retryOn declines, passing the error and the attempt', async () => {
    const { primitive, attempts } = flaky(10);
    const seen: [string, number][] = [];
    const run = retry(primitive, {
      initialDelayMs: 10,
      retryOn: (error, attempt) => {
        seen.push([(error as Error).message, attempt]);
        return attempt < 2;
      },
    }).run(undefined, createContext());
    const settled = run.catch((e: unknown) => e);
    await vi.runAllTimersAsync();
    expect(((await settled) as Error).message).toBe('failure 2');
    expect(attempts).toHaveLength(2);
    expect(seen).toEqual([
      ['failure 1', 1],
      ['failure 2', 2],
    ]);
  });

  it('does not retry a cancellation by default', async () => {
    let calls = 0;
    const cancelled = step(() => {
      calls++;
      throw new CancelledError('inner');
    });
    await expect(retry(cancelled).run(undefined, createContext())).rejects.toBeInstanceOf(
      CancelledError,
    );
    expect(calls).toBe(1);
  });

  it('tells onRetry listeners and context listeners about each retry, and unsubscribes', async () => {
    const { primitive } = flaky(2);
    const policy = retry(primitive, { initialDelayMs: 10, backoff: 'constant' });
    const events: RetryEvent[] = [];
    const dispose = policy.onRetry((e) => events.push(e));
    const ctx = createContext();
    const ctxEvents: unknown[] = [];
    ctx.on((e) => ctxEvents.push(e.data));
    const run = policy.run(undefined, ctx);
    await vi.runAllTimersAsync();
    await run;
    expect(events.map((e) => [e.attempt, (e.error as Error).message, e.delayMs])).toEqual([
      [1, 'failure 1', 10],
      [2, 'failure 2', 10],
    ]);
    expect(ctxEvents).toEqual([
      { attempt: 1, delayMs: 10 },
      { attempt: 2, delayMs: 10 },
    ]);
    dispose();
    const again = flaky(1);
    const run2 = retry(again.primitive).run(undefined, ctx);
    await vi.runAllTimersAsync();
    await run2;
    expect(events).toHaveLength(2);
  });

  it('stops waiting as soon as the context is aborted, clearing its timer', async () => {
    const { primitive, attempts } = flaky(10);
    const controller = new AbortController();
    const run = retry(primitive, { initialDelayMs: 60_000 }).run(
      undefined,
      createContext({ signal: controller.signal }),
    );
    const settled = run.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(10);
    expect(vi.getTimerCount()).toBe(1);
    controller.abort(new Error('stop'));
    const error = await settled;
    expect(isCancelledError(error)).toBe(true);
    expect(attempts).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});
