import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type CircuitBreakerOptions,
  type CircuitSnapshot,
  type CircuitStateChange,
  circuitBreaker,
  DEFAULT_FAILURE_THRESHOLD,
  DEFAULT_HALF_OPEN_AFTER_MS,
} from './circuitBreaker.js';
import { BrokenCircuitError, isBrokenCircuitError } from './errors/BrokenCircuitError.js';
import { CancelledError } from './errors/CancelledError.js';
import { step } from './step.js';
import { createContext } from './WorkflowContext.js';
import type { WorkflowEvent } from './WorkflowEvent.js';

type Outcome = 'ok' | 'fail' | 'cancel';

/**
 * A controllable inner primitive: `next` decides the outcome of the following calls (default
 * 'ok'); `calls` counts how often it really ran.
 */
function service() {
  const script: Outcome[] = [];
  let calls = 0;
  const primitive = step(
    (input: string) => {
      calls++;
      const outcome = script.shift() ?? 'ok';
      if (outcome === 'fail') throw new Error(`failure of ${input}`);
      if (outcome === 'cancel') throw new CancelledError('inner');
      return `done ${input}`;
    },
    { name: 'service' },
  );
  return {
    primitive,
    next: (...outcomes: Outcome[]) => script.push(...outcomes),
    calls: () => calls,
  };
}

/** A breaker on a manual clock. */
function setup(options: CircuitBreakerOptions = {}) {
  const clock = { now: 1_000_000 };
  const svc = service();
  const breaker = circuitBreaker(svc.primitive, { now: () => clock.now, ...options });
  const ctx = createContext();
  const call = (input = 'x') => breaker.run(input, ctx);
  /** Runs one call and reports how it ended. */
  const attempt = async (input = 'x'): Promise<'ok' | 'failed' | 'refused'> => {
    try {
      await call(input);
      return 'ok';
    } catch (error) {
      return isBrokenCircuitError(error) ? 'refused' : 'failed';
    }
  };
  return { clock, svc, breaker, ctx, call, attempt };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('circuitBreaker: consecutive failures', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('passes results through while closed', async () => {
    const { breaker, call, svc } = setup();
    expect(await call('a')).toBe('done a');
    expect(breaker.state).toBe('closed');
    expect(svc.calls()).toBe(1);
    expect(breaker.name).toBe('breaker(service)');
    expect(breaker.kind).toBe('circuit_breaker');
  });

  it.each([1, 3, DEFAULT_FAILURE_THRESHOLD])(
    'opens after exactly %i consecutive failures',
    async (threshold) => {
      const { breaker, svc, attempt } = setup(
        threshold === DEFAULT_FAILURE_THRESHOLD ? {} : { failureThreshold: threshold },
      );
      svc.next(...Array<Outcome>(threshold).fill('fail'));
      for (let i = 1; i < threshold; i++) {
        expect(await attempt()).toBe('failed');
        expect(breaker.state).toBe('closed');
      }
      expect(await attempt()).toBe('failed');
      expect(breaker.state).toBe('open');
      expect(svc.calls()).toBe(threshold);
    },
  );

  it('a success resets the count of consecutive failures', async () => {
    const { breaker, svc, attempt } = setup({ failureThreshold: 3 });
    svc.next('fail', 'fail', 'ok', 'fail', 'fail');
    for (let i = 0; i < 5; i++) await attempt();
    expect(breaker.state).toBe('closed');
    expect(breaker.toJSON().consecutiveFailures).toBe(2);
    svc.next('fail');
    await attempt();
    expect(breaker.state).toBe('open');
  });

  it('rethrows the inner error itself', async () => {
    const boom = new Error('boom');
    const breaker = circuitBreaker(
      step(() => {
        throw boom;
      }),
    );
    await expect(breaker.run(undefined, createContext())).rejects.toBe(boom);
  });

  it('refuses calls while open with BrokenCircuitError, without calling inner', async () => {
    const { clock, svc, call } = setup({ failureThreshold: 1, halfOpenAfterMs: 5_000 });
    svc.next('fail');
    const openedAt = clock.now;
    await expect(call()).rejects.toThrow('failure of x');
    clock.now += 4_999;
    for (let i = 0; i < 3; i++) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BrokenCircuitError);
      expect(isBrokenCircuitError(error)).toBe(true);
      expect((error as BrokenCircuitError).retryAfter).toBe(openedAt + 5_000);
      expect((error as BrokenCircuitError).primitive).toBe('breaker(service)');
      expect((error as BrokenCircuitError).code).toBe('TTA_BROKEN_CIRCUIT');
    }
    expect(svc.calls()).toBe(1);
  });

  it('isBrokenCircuitError recognises only broken-circuit errors', () => {
    expect(isBrokenCircuitError(new BrokenCircuitError('p', 1))).toBe(true);
    expect(isBrokenCircuitError({ code: 'TTA_BROKEN_CIRCUIT' })).toBe(true); // another copy of the package
    expect(isBrokenCircuitError(new Error('x'))).toBe(false);
    expect(isBrokenCircuitError(new CancelledError('p'))).toBe(false);
    expect(isBrokenCircuitError(undefined)).toBe(false);
    expect(isBrokenCircuitError('TTA_BROKEN_CIRCUIT')).toBe(false);
  });

  it('reads as halfOpen once halfOpenAfterMs has passed', async () => {
    const { breaker, clock, svc, attempt } = setup({ failureThreshold: 1, halfOpenAfterMs: 100 });
    svc.next('fail');
    await attempt();
    clock.now += 99;
    expect(breaker.state).toBe('open');
    clock.now += 1;
    expect(breaker.state).toBe('halfOpen');
  });

  it('lets one trial through after halfOpenAfterMs; its success closes the circuit', async () => {
    const { breaker, clock, svc, attempt } = setup({ failureThreshold: 2, halfOpenAfterMs: 100 });
    svc.next('fail', 'fail');
    await attempt();
    await attempt();
    clock.now += 100;
    expect(await attempt()).toBe('ok');
    expect(breaker.state).toBe('closed');
    expect(svc.calls()).toBe(3);
    // closed again, with a fresh count: one failure does not reopen it
    svc.next('fail');
    expect(await attempt()).toBe('failed');
    expect(breaker.state).toBe('closed');
  });

  it('refuses a second call while the trial is in flight', async () => {
    const { clock, ctx } = setup();
    const trial = deferred<string>();
    let calls = 0;
    let fail = true;
    const inner = step(() => {
      calls++;
      if (fail) throw new Error('down');
      return trial.promise;
    });
    const b = circuitBreaker(inner, {
      failureThreshold: 1,
      halfOpenAfterMs: 10,
      now: () => clock.now,
    });
    await expect(b.run(undefined, ctx)).rejects.toThrow('down');
    clock.now += 10;
    fail = false;
    const first = b.run(undefined, ctx);
    const second = await b.run(undefined, ctx).catch((e: unknown) => e);
    expect(isBrokenCircuitError(second)).toBe(true);
    expect((second as BrokenCircuitError).retryAfter).toBeUndefined();
    expect(calls).toBe(2);
    expect(b.state).toBe('halfOpen');
    trial.resolve('recovered');
    expect(await first).toBe('recovered');
    expect(b.state).toBe('closed');
    expect(await b.run(undefined, ctx)).toBe('recovered'); // closed: calls pass again
    expect(calls).toBe(3);
  });

  it('a failed trial reopens the circuit for another halfOpenAfterMs', async () => {
    const { breaker, clock, svc, call, attempt } = setup({
      failureThreshold: 3,
      halfOpenAfterMs: 100,
    });
    svc.next('fail', 'fail', 'fail');
    for (let i = 0; i < 3; i++) await attempt();
    clock.now += 150;
    svc.next('fail');
    const reopenedAt = clock.now;
    expect(await attempt()).toBe('failed'); // a single failed trial is enough
    expect(breaker.state).toBe('open');
    const refused = await call().catch((e: unknown) => e);
    expect((refused as BrokenCircuitError).retryAfter).toBe(reopenedAt + 100);
    clock.now += 99;
    expect(await attempt()).toBe('refused');
    clock.now += 1;
    expect(await attempt()).toBe('ok');
    expect(breaker.state).toBe('closed');
    expect(svc.calls()).toBe(5);
  });

  it('uses Date.now by default and DEFAULT_HALF_OPEN_AFTER_MS (fake timers)', async () => {
    vi.useFakeTimers({ now: 0 });
    const svc = service();
    const breaker = circuitBreaker(svc.primitive, { failureThreshold: 1 });
    const ctx = createContext();
    svc.next('fail');
    await breaker.run('x', ctx).catch(() => undefined);
    vi.advanceTimersByTime(DEFAULT_HALF_OPEN_AFTER_MS - 1);
    const refused = await breaker.run('x', ctx).catch((e: unknown) => e);
    expect((refused as BrokenCircuitError).retryAfter).toBe(DEFAULT_HALF_OPEN_AFTER_MS);
    vi.advanceTimersByTime(1);
    expect(await breaker.run('x', ctx)).toBe('done x');
    expect(breaker.state).toBe('closed');
  });
});

describe('circuitBreaker: state change notifications', () => {
  it('calls onStateChange listeners in order, with the error that opened it', async () => {
    const { breaker, clock, svc, attempt } = setup({ failureThreshold: 1, halfOpenAfterMs: 10 });
    const changes: CircuitStateChange[] = [];
    breaker.onStateChange((c) => changes.push(c));
    svc.next('fail');
    await attempt('first');
    clock.now += 10;
    svc.next('fail');
    await attempt('trial 1');
    clock.now += 10;
    await attempt('trial 2');
    expect(changes.map((c) => [c.from, c.to])).toEqual([
      ['closed', 'open'],
      ['open', 'halfOpen'],
      ['halfOpen', 'open'],
      ['open', 'halfOpen'],
      ['halfOpen', 'closed'],
    ]);
    expect((changes[0]!.error as Error).message).toBe('failure of first');
    expect((changes[2]!.error as Error).message).toBe('failure of trial 1');
    expect(changes[1]).not.toHaveProperty('error');
    expect(changes[4]).not.toHaveProperty('error');
  });

  it('stops calling a listener once disposed, and keeps calling the others', async () => {
    const { breaker, svc, attempt } = setup({ failureThreshold: 1 });
    const disposed = vi.fn();
    const kept = vi.fn();
    const dispose = breaker.onStateChange(disposed);
    breaker.onStateChange(kept);
    dispose();
    svc.next('fail');
    await attempt();
    expect(disposed).not.toHaveBeenCalled();
    expect(kept).toHaveBeenCalledTimes(1);
  });

  it('emits circuit_state events on the context', async () => {
    const { breaker, clock, svc, ctx, attempt } = setup({
      failureThreshold: 2,
      halfOpenAfterMs: 10,
      name: 'payments',
    });
    const events: WorkflowEvent[] = [];
    const off = ctx.on((e) => events.push(e));
    svc.next('fail', 'fail');
    await attempt();
    await attempt();
    clock.now += 10;
    await attempt();
    const circuit = events.filter((e) => e.type === 'circuit_state');
    expect(circuit.map((e) => e.data)).toEqual([
      { from: 'closed', to: 'open' },
      { from: 'open', to: 'halfOpen' },
      { from: 'halfOpen', to: 'closed' },
    ]);
    for (const e of circuit) {
      expect(e.primitive).toBe('payments');
      expect(e.runId).toBe(ctx.runId);
    }
    expect(breaker.name).toBe('payments');
    off();
    svc.next('fail', 'fail');
    await attempt();
    await attempt();
    expect(breaker.state).toBe('open');
    expect(events.filter((e) => e.type === 'circuit_state')).toHaveLength(3);
  });
});

describe('circuitBreaker: sampling', () => {
  const sampling = { threshold: 0.5, durationMs: 1_000, minimumCalls: 4 };

  it.each<[string, Outcome[], 'closed' | 'open']>([
    ['below minimumCalls, whatever the rate', ['fail', 'fail', 'fail'], 'closed'],
    ['rate below threshold', ['ok', 'ok', 'ok', 'fail'], 'closed'],
    ['rate at threshold', ['ok', 'ok', 'fail', 'fail'], 'open'],
    ['rate above threshold', ['ok', 'fail', 'fail', 'fail'], 'open'],
    ['non-consecutive failures', ['fail', 'ok', 'fail', 'ok', 'fail', 'ok'], 'open'],
    ['many successes dilute failures', ['ok', 'ok', 'ok', 'ok', 'fail', 'fail', 'fail'], 'closed'],
  ])('%s', async (_label, outcomes, expected) => {
    const { breaker, svc, attempt } = setup({ sampling, failureThreshold: 1 });
    svc.next(...outcomes);
    for (const _ of outcomes) await attempt();
    // failureThreshold is ignored in sampling mode: one failure alone never opens it
    expect(breaker.state).toBe(expected);
  });

  it('forgets calls older than durationMs', async () => {
    const { breaker, clock, svc, attempt } = setup({ sampling });
    svc.next('fail', 'fail', 'fail');
    for (let i = 0; i < 3; i++) await attempt();
    clock.now += 1_000;
    svc.next('fail');
    await attempt();
    expect(breaker.state).toBe('closed'); // only one call left in the window
    svc.next('fail', 'fail', 'fail');
    for (let i = 0; i < 3; i++) await attempt();
    expect(breaker.state).toBe('open');
  });

  it('uses DEFAULT_MINIMUM_CALLS (5) when minimumCalls is not given', async () => {
    const { breaker, svc, attempt } = setup({ sampling: { threshold: 1, durationMs: 1_000 } });
    svc.next('fail', 'fail', 'fail', 'fail', 'fail');
    for (let i = 0; i < 4; i++) await attempt();
    expect(breaker.state).toBe('closed');
    await attempt();
    expect(breaker.state).toBe('open');
  });

  it('starts from an empty window after a successful trial', async () => {
    const { breaker, clock, svc, attempt } = setup({ sampling, halfOpenAfterMs: 10 });
    svc.next('fail', 'fail', 'fail', 'fail');
    for (let i = 0; i < 4; i++) await attempt();
    expect(breaker.state).toBe('open');
    clock.now += 10;
    expect(await attempt()).toBe('ok');
    expect(breaker.state).toBe('closed');
    expect(breaker.toJSON().window).toEqual([]);
    svc.next('fail', 'fail', 'fail');
    for (let i = 0; i < 3; i++) await attempt();
    expect(breaker.state).toBe('closed'); // 3 calls < minimumCalls: old failures are gone
  });

  it.each([0, -0.1, 1.5, Number.NaN])('rejects a sampling threshold of %d', (threshold) => {
    const { svc } = setup();
    expect(() => circuitBreaker(svc.primitive, { sampling: { threshold, durationMs: 1 } })).toThrow(
      RangeError,
    );
  });
});

describe('circuitBreaker: toJSON', () => {
  it('round-trips an open breaker through JSON', async () => {
    const { breaker, clock, svc, attempt } = setup({ failureThreshold: 2, halfOpenAfterMs: 500 });
    svc.next('fail', 'fail');
    const openedAt = clock.now;
    await attempt();
    await attempt();
    const saved = JSON.parse(JSON.stringify(breaker)) as CircuitSnapshot;
    expect(saved).toEqual({ state: 'open', openedAt, consecutiveFailures: 2 });

    const svc2 = service();
    const restored = circuitBreaker(svc2.primitive, {
      failureThreshold: 2,
      halfOpenAfterMs: 500,
      state: saved,
      now: () => clock.now,
    });
    expect(restored.state).toBe('open');
    const ctx = createContext();
    const refused = await restored.run('x', ctx).catch((e: unknown) => e);
    expect((refused as BrokenCircuitError).retryAfter).toBe(openedAt + 500);
    expect(svc2.calls()).toBe(0);
    expect(restored.toJSON()).toEqual(saved);
    clock.now += 500;
    expect(await restored.run('x', ctx)).toBe('done x');
    expect(restored.state).toBe('closed');
    expect(restored.toJSON()).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
  });

  it('round-trips the consecutive failure count of a closed breaker', async () => {
    const { breaker, clock, svc, attempt } = setup({ failureThreshold: 3 });
    svc.next('fail', 'fail');
    await attempt();
    await attempt();
    const svc2 = service();
    const restored = circuitBreaker(svc2.primitive, {
      failureThreshold: 3,
      state: JSON.parse(JSON.stringify(breaker)) as CircuitSnapshot,
      now: () => clock.now,
    });
    expect(restored.state).toBe('closed');
    svc2.next('fail');
    await restored.run('x', createContext()).catch(() => undefined);
    expect(restored.state).toBe('open'); // 2 saved + 1 new = threshold
  });

  it('round-trips the sampling window', async () => {
    const sampling = { threshold: 0.5, durationMs: 1_000, minimumCalls: 4 };
    const { breaker, clock, svc, attempt } = setup({ sampling });
    svc.next('ok', 'fail', 'fail');
    for (let i = 0; i < 3; i++) await attempt();
    const saved = JSON.parse(JSON.stringify(breaker)) as CircuitSnapshot;
    expect(saved.window?.reduce((n, b) => n + b.successes + b.failures, 0)).toBe(3);
    const svc2 = service();
    const restored = circuitBreaker(svc2.primitive, {
      sampling,
      state: saved,
      now: () => clock.now,
    });
    svc2.next('fail');
    await restored.run('x', createContext()).catch(() => undefined);
    expect(restored.state).toBe('open'); // 4 calls, 3 failures
    expect(breaker.state).toBe('closed'); // the original's window was copied, not shared
  });

  it('restores a breaker saved while half open as open, ready for a new trial', async () => {
    const { breaker, clock, svc, ctx } = setup({ failureThreshold: 1, halfOpenAfterMs: 100 });
    svc.next('fail');
    await breaker.run('x', ctx).catch(() => undefined);
    clock.now += 100;
    const trial = deferred<string>();
    const slow = circuitBreaker(
      step(() => trial.promise),
      { now: () => clock.now, state: breaker.toJSON(), halfOpenAfterMs: 100 },
    );
    const inFlight = slow.run(undefined, ctx);
    const saved = slow.toJSON();
    expect(saved.state).toBe('halfOpen');

    const svc2 = service();
    const restored = circuitBreaker(svc2.primitive, {
      state: saved,
      halfOpenAfterMs: 100,
      now: () => clock.now,
    });
    expect(restored.toJSON().state).toBe('open');
    const changes: CircuitStateChange[] = [];
    restored.onStateChange((c) => changes.push(c));
    expect(await restored.run('y', ctx)).toBe('done y'); // the unfinished trial is tried again
    expect(changes.map((c) => [c.from, c.to])).toEqual([
      ['open', 'halfOpen'],
      ['halfOpen', 'closed'],
    ]);
    trial.resolve('late');
    expect(await inFlight).toBe('late');
  });

  it('a restored half-open snapshot still waits when its wait is not over', async () => {
    const clock = { now: 5_000 };
    const svc = service();
    const restored = circuitBreaker(svc.primitive, {
      state: { state: 'halfOpen', openedAt: 4_950, consecutiveFailures: 1 },
      halfOpenAfterMs: 100,
      now: () => clock.now,
    });
    const refused = await restored.run('x', createContext()).catch((e: unknown) => e);
    expect((refused as BrokenCircuitError).retryAfter).toBe(5_050);
    expect(svc.calls()).toBe(0);
  });
});

describe('circuitBreaker: which errors count', () => {
  it('does not count cancellations by default', async () => {
    const { breaker, svc, attempt } = setup({ failureThreshold: 2 });
    svc.next('cancel', 'cancel', 'cancel', 'fail', 'cancel');
    for (let i = 0; i < 5; i++) expect(await attempt()).toBe('failed');
    expect(breaker.state).toBe('closed');
    expect(breaker.toJSON().consecutiveFailures).toBe(1);
    expect(svc.calls()).toBe(5);
  });

  it('does not count a cancelled trial: the next call is another trial', async () => {
    const { breaker, clock, svc, attempt } = setup({ failureThreshold: 1, halfOpenAfterMs: 10 });
    svc.next('fail');
    await attempt();
    clock.now += 10;
    svc.next('cancel');
    expect(await attempt()).toBe('failed');
    expect(breaker.state).toBe('halfOpen');
    expect(await attempt()).toBe('ok');
    expect(breaker.state).toBe('closed');
  });

  it('does not count a call refused because the context was already aborted', async () => {
    const { breaker, svc } = setup({ failureThreshold: 1 });
    const controller = new AbortController();
    controller.abort();
    const ctx = createContext({ signal: controller.signal });
    await expect(breaker.run('x', ctx)).rejects.toBeInstanceOf(CancelledError);
    expect(breaker.state).toBe('closed');
    expect(svc.calls()).toBe(0);
  });

  it('counts only the errors isFailure accepts', async () => {
    class HttpError extends Error {
      constructor(readonly status: number) {
        super(`HTTP ${status}`);
      }
    }
    const statuses = [404, 400, 503, 404, 500];
    const inner = step(() => {
      throw new HttpError(statuses.shift()!);
    });
    const seen: unknown[] = [];
    const breaker = circuitBreaker(inner, {
      failureThreshold: 2,
      isFailure: (error) => {
        seen.push(error);
        return error instanceof HttpError && error.status >= 500;
      },
    });
    const ctx = createContext();
    const results: string[] = [];
    for (let i = 0; i < 5; i++) {
      const error = await breaker.run(undefined, ctx).catch((e: unknown) => e);
      results.push((error as Error).message);
      // a 4xx does not count but does not break a run of 5xx either
      expect(breaker.state).toBe(i < 4 ? 'closed' : 'open');
    }
    expect(results).toEqual(['HTTP 404', 'HTTP 400', 'HTTP 503', 'HTTP 404', 'HTTP 500']);
    expect(seen).toHaveLength(5);
  });

  it('counts cancellations when isFailure says so', async () => {
    const { breaker, svc, attempt } = setup({ failureThreshold: 2, isFailure: () => true });
    svc.next('cancel', 'cancel');
    await attempt();
    await attempt();
    expect(breaker.state).toBe('open');
  });
});
