import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isTimeoutError, TimeoutError } from './errors/TimeoutError.js';
import { step } from './step.js';
import { TIMEOUTS_KEY, timeout } from './timeout.js';
import { createContext, type WorkflowContext } from './WorkflowContext.js';

/** A step that resolves after `ms`, unless its signal aborts first. */
const slow = (ms: number, value = 'done') =>
  step(
    (_: unknown, ctx: WorkflowContext) =>
      new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => resolve(value), ms);
        ctx.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(ctx.signal.reason);
        });
      }),
    { name: 'slow' },
  );

describe('timeout', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('returns the result of a run that finishes in time', async () => {
    const run = timeout(slow(50), 100).run(undefined, createContext());
    await vi.advanceTimersByTimeAsync(50);
    expect(await run).toBe('done');
  });

  it('raises a TimeoutError naming the primitive and the limit, and aborts the inner signal', async () => {
    let innerSignal: AbortSignal | undefined;
    const inner = step(
      (_: unknown, ctx: WorkflowContext) => {
        innerSignal = ctx.signal;
        return new Promise<string>(() => {});
      },
      { name: 'hangs' },
    );
    const ctx = createContext();
    const settled = timeout(inner, 100)
      .run(undefined, ctx)
      .catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(99);
    expect(innerSignal?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const error = await settled;
    expect(isTimeoutError(error)).toBe(true);
    expect((error as TimeoutError).primitive).toBe('timeout(hangs)');
    expect((error as TimeoutError).timeoutMs).toBe(100);
    expect((error as Error).message).toContain('100 ms');
    expect(innerSignal?.aborted).toBe(true);
    expect(innerSignal?.reason).toBeInstanceOf(TimeoutError);
  });

  it('settles at expiry even when the inner work ignores its signal', async () => {
    const deaf = step(
      () => new Promise<string>((resolve) => setTimeout(() => resolve('late'), 10_000)),
    );
    const settled = timeout(deaf, 100)
      .run(undefined, createContext())
      .catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(100);
    expect(await settled).toBeInstanceOf(TimeoutError);
  });

  it('counts expirations per primitive in ctx.state and emits a timeout event', async () => {
    const ctx = createContext();
    const events: unknown[] = [];
    ctx.on((e) => events.push([e.type, e.primitive, e.data]));
    const limited = timeout(slow(1_000), 10, { name: 'limited' });
    for (let i = 0; i < 2; i++) {
      const settled = limited.run(undefined, ctx).catch(() => undefined);
      await vi.advanceTimersByTimeAsync(10);
      await settled;
    }
    expect(ctx.state[TIMEOUTS_KEY]).toEqual({ limited: 2 });
    expect(events).toEqual([
      ['timeout', 'limited', { timeoutMs: 10 }],
      ['timeout', 'limited', { timeoutMs: 10 }],
    ]);
  });

  it('runs the fallback on expiry and returns its result', async () => {
    const run = timeout(slow(1_000), 100, { fallback: step(() => 'cached answer') }).run(
      undefined,
      createContext(),
    );
    await vi.advanceTimersByTimeAsync(100);
    expect(await run).toBe('cached answer');
  });

  it('raises the inner error when the inner run fails in time', async () => {
    const failing = step(async () => {
      throw new Error('inner failure');
    });
    await expect(timeout(failing, 100).run(undefined, createContext())).rejects.toThrow(
      'inner failure',
    );
  });

  it('expires overlapping runs each at its own deadline with one timer', async () => {
    const limited = timeout(slow(1_000), 100);
    const ctx = createContext();
    const first = limited.run(undefined, ctx).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(30);
    const second = limited.run(undefined, ctx).catch((e: unknown) => e);
    const finishedSecond = vi.fn();
    void second.then(finishedSecond);
    await vi.advanceTimersByTimeAsync(70);
    expect(await first).toBeInstanceOf(TimeoutError);
    expect(finishedSecond).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(30);
    expect(await second).toBeInstanceOf(TimeoutError);
  });

  it('passes the parent cancellation to the inner signal', async () => {
    const controller = new AbortController();
    const settled = timeout(slow(1_000), 5_000)
      .run(undefined, createContext({ signal: controller.signal }))
      .catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(10);
    controller.abort(new Error('user stop'));
    expect(await settled).toEqual(new Error('user stop'));
  });

  it('leaves no timer behind that keeps the process alive after runs finish in time', async () => {
    vi.useRealTimers();
    const activeTimers = () =>
      process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = activeTimers();
    const limited = timeout(
      step(async () => 'fast'),
      60_000,
    );
    for (let i = 0; i < 100; i++)
      expect(await limited.run(undefined, createContext())).toBe('fast');
    // The one armed timer is unref'd once nothing waits on it, so it is not an active resource.
    expect(activeTimers()).toBe(before);
  });

  it('rejects a non-positive limit', () => {
    expect(() => timeout(slow(1), 0)).toThrow(RangeError);
  });
});
