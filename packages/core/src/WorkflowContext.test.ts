import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Memory } from './memory/Memory.js';
import { createContext, type LazySignal, type WorkflowContext } from './WorkflowContext.js';
import type { WorkflowEvent } from './WorkflowEvent.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const recording = (ctx: WorkflowContext) => {
  const seen: WorkflowEvent[] = [];
  const off = ctx.on((e) => seen.push(e));
  return { seen, off };
};

/** A LazySignal whose calls are counted and whose abort state is set by the test. */
function lazySignal() {
  const controller = new AbortController();
  let abortedFlag = false;
  const lazy = {
    getSignal: vi.fn(() => controller.signal),
    isAborted: vi.fn(() => abortedFlag),
  } satisfies LazySignal;
  return {
    lazy,
    controller,
    setAborted: (value: boolean) => {
      abortedFlag = value;
    },
  };
}

describe('createContext', () => {
  it('defaults: UUID ids, correlationId = runId, no causation or persona, empty state', () => {
    const ctx = createContext();
    expect(ctx.workflowId).toMatch(UUID);
    expect(ctx.runId).toMatch(UUID);
    expect(ctx.workflowId).not.toBe(ctx.runId);
    expect(ctx.correlationId).toBe(ctx.runId);
    expect(ctx.causationId).toBeUndefined();
    expect(ctx.persona).toBeUndefined();
    expect(ctx.state).toEqual({});
    expect(ctx.metadata).toEqual({});
    expect(ctx.checkpoints).toEqual([]);
  });

  it('gives every context new ids', () => {
    const ids = new Set(Array.from({ length: 20 }, () => createContext().runId));
    expect(ids.size).toBe(20);
  });

  it('defaults to a signal that is not and cannot be aborted', () => {
    const ctx = createContext();
    expect(ctx.signal).toBeInstanceOf(AbortSignal);
    expect(ctx.signal.aborted).toBe(false);
    expect(ctx.aborted).toBe(false);
    expect(createContext().signal.aborted).toBe(false);
  });

  it('defaults to an in-memory memory namespaced run:<runId>', async () => {
    const a = createContext();
    const b = createContext();
    expect(a.memory.prefix).toBe(`run:${a.runId}:`);
    await a.memory.add('k', 'a');
    expect(await a.memory.get('k')).toBe('a');
    expect(await b.memory.get('k')).toBeUndefined();
  });

  it('takes every option', () => {
    const controller = new AbortController();
    const memory = new Memory().namespace('custom');
    const ctx = createContext({
      workflowId: 'wf',
      runId: 'run',
      correlationId: 'corr',
      causationId: 'cause',
      persona: 'backend-dev',
      signal: controller.signal,
      state: { a: 1 },
      metadata: { source: 'test' },
      memory,
    });
    expect(ctx).toMatchObject({
      workflowId: 'wf',
      runId: 'run',
      correlationId: 'corr',
      causationId: 'cause',
      persona: 'backend-dev',
      state: { a: 1 },
      metadata: { source: 'test' },
    });
    expect(ctx.signal).toBe(controller.signal);
    expect(ctx.memory).toBe(memory);
    controller.abort();
    expect(ctx.aborted).toBe(true);
  });

  it('copies the initial state and metadata', () => {
    const state: Record<string, unknown> = { a: 1 };
    const metadata: Record<string, unknown> = { m: 1 };
    const ctx = createContext({ state, metadata });
    ctx.state.b = 2;
    state.c = 3;
    metadata.n = 2;
    expect(state).toEqual({ a: 1, c: 3 });
    expect(ctx.state).toEqual({ a: 1, b: 2 });
    expect(ctx.metadata).toEqual({ m: 1 });
  });
});

describe('WorkflowContext.child', () => {
  it('keeps ids, memory and metadata; causationId is the parent correlation id', () => {
    const parent = createContext({ correlationId: 'corr-1', causationId: 'root-cause' });
    const child = parent.child();
    expect(child.workflowId).toBe(parent.workflowId);
    expect(child.runId).toBe(parent.runId);
    expect(child.correlationId).toBe('corr-1');
    expect(child.causationId).toBe('corr-1');
    expect(child.memory).toBe(parent.memory);
    expect(child.metadata).toBe(parent.metadata);
    const grandchild = child.child();
    expect(grandchild.correlationId).toBe('corr-1');
    expect(grandchild.causationId).toBe('corr-1');
  });

  it('keeps the persona and signal unless overridden', () => {
    const parentController = new AbortController();
    const parent = createContext({ persona: 'frontend', signal: parentController.signal });
    const same = parent.child();
    expect(same.persona).toBe('frontend');
    expect(same.signal).toBe(parentController.signal);

    const childController = new AbortController();
    const other = parent.child({ persona: 'tester', signal: childController.signal });
    expect(other.persona).toBe('tester');
    expect(other.signal).toBe(childController.signal);
    childController.abort();
    expect(other.aborted).toBe(true);
    expect(parent.aborted).toBe(false);
    expect(parent.persona).toBe('frontend');
  });

  it('copies the state: mutations do not leak either way', () => {
    const parent = createContext({ state: { shared: 'initial', list: [1] } });
    const child = parent.child();
    expect(child.state).toEqual({ shared: 'initial', list: [1] });
    expect(child.state).not.toBe(parent.state);
    child.state.shared = 'child';
    child.state.onlyChild = true;
    parent.state.onlyParent = true;
    expect(parent.state).toEqual({ shared: 'initial', list: [1], onlyParent: true });
    expect(child.state).toEqual({ shared: 'child', list: [1], onlyChild: true });
    // the copy is shallow: nested objects are the same
    expect(child.state.list).toBe(parent.state.list);
  });

  it('shares the listeners of the run, both ways', () => {
    const parent = createContext();
    const child = parent.child();
    const fromParent = recording(parent);
    const fromChild = recording(child);
    child.emit({ type: 'from-child' });
    parent.emit({ type: 'from-parent' });
    expect(fromParent.seen.map((e) => e.type)).toEqual(['from-child', 'from-parent']);
    expect(fromChild.seen.map((e) => e.type)).toEqual(['from-child', 'from-parent']);
    fromParent.off();
    child.emit({ type: 'later' });
    expect(fromParent.seen).toHaveLength(2);
    expect(fromChild.seen).toHaveLength(3);
  });

  it('has its own checkpoints', () => {
    const parent = createContext();
    parent.checkpoint('before');
    const child = parent.child();
    expect(child.checkpoints).toEqual([]);
    child.checkpoint('in child');
    expect(parent.checkpoints.map((c) => c.name)).toEqual(['before']);
  });
});

describe('WorkflowContext events', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2025-01-02T03:04:05.000Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('emits to listeners with time and ids filled in', () => {
    const ctx = createContext({ workflowId: 'wf', runId: 'run', correlationId: 'corr' });
    const { seen } = recording(ctx);
    ctx.emit({ type: 'custom', primitive: 'p', data: { n: 1 } });
    vi.advanceTimersByTime(250);
    ctx.emit({ type: 'bare' });
    expect(seen).toEqual([
      {
        type: 'custom',
        primitive: 'p',
        data: { n: 1 },
        at: Date.parse('2025-01-02T03:04:05.000Z'),
        workflowId: 'wf',
        runId: 'run',
        correlationId: 'corr',
      },
      {
        type: 'bare',
        at: Date.parse('2025-01-02T03:04:05.250Z'),
        workflowId: 'wf',
        runId: 'run',
        correlationId: 'corr',
      },
    ]);
  });

  it('delivers to every listener in subscription order; dispose removes only that one', () => {
    const ctx = createContext();
    const order: string[] = [];
    const offA = ctx.on((e) => order.push(`a:${e.type}`));
    ctx.on((e) => order.push(`b:${e.type}`));
    ctx.emit({ type: '1' });
    offA();
    offA(); // disposing twice is harmless
    ctx.emit({ type: '2' });
    expect(order).toEqual(['a:1', 'b:1', 'b:2']);
  });

  it('emitting without listeners does nothing', () => {
    const ctx = createContext();
    expect(() => ctx.emit({ type: 'nobody listens' })).not.toThrow();
    const { seen } = recording(ctx);
    expect(seen).toEqual([]);
  });

  it('checkpoint records name, time and data, and emits a checkpoint event', () => {
    const ctx = createContext();
    const { seen } = recording(ctx);
    const t0 = Date.now();
    ctx.checkpoint('fetched');
    vi.advanceTimersByTime(10);
    ctx.checkpoint('parsed', { rows: 12 });
    expect(ctx.checkpoints).toEqual([
      { name: 'fetched', at: t0 },
      { name: 'parsed', at: t0 + 10, data: { rows: 12 } },
    ]);
    expect(seen.map((e) => [e.type, e.data, e.at])).toEqual([
      ['checkpoint', { name: 'fetched' }, t0],
      ['checkpoint', { name: 'parsed', rows: 12 }, t0 + 10],
    ]);
  });
});

describe('WorkflowContext.withSignal', () => {
  it('is the same context with another signal: state, ids, persona, listeners', () => {
    const ctx = createContext({ persona: 'p', causationId: 'c', state: { a: 1 } });
    const controller = new AbortController();
    const other = ctx.withSignal(controller.signal);
    expect(other.state).toBe(ctx.state);
    other.state.b = 2;
    expect(ctx.state.b).toBe(2);
    expect(other).toMatchObject({
      workflowId: ctx.workflowId,
      runId: ctx.runId,
      correlationId: ctx.correlationId,
      causationId: 'c',
      persona: 'p',
    });
    expect(other.memory).toBe(ctx.memory);
    expect(other.signal).toBe(controller.signal);
    const { seen } = recording(ctx);
    other.emit({ type: 'x' });
    expect(seen).toHaveLength(1);
    controller.abort();
    expect(other.aborted).toBe(true);
    expect(ctx.aborted).toBe(false);
  });

  it('shares the checkpoints: a checkpoint recorded inside is seen outside', () => {
    const ctx = createContext();
    ctx.checkpoint('outside');
    const inner = ctx.withSignal(new AbortController().signal);
    inner.checkpoint('inside');
    expect(ctx.checkpoints.map((c) => c.name)).toEqual(['outside', 'inside']);
    expect(inner.checkpoints.map((c) => c.name)).toEqual(['outside', 'inside']);
  });

  it('does not create a LazySignal until ctx.signal is read', () => {
    const { lazy, controller, setAborted } = lazySignal();
    const ctx = createContext().withSignal(lazy);
    expect(lazy.getSignal).not.toHaveBeenCalled();

    expect(ctx.aborted).toBe(false);
    setAborted(true);
    expect(ctx.aborted).toBe(true);
    expect(lazy.isAborted).toHaveBeenCalledTimes(2);
    expect(lazy.getSignal).not.toHaveBeenCalled();

    setAborted(false);
    expect(ctx.signal).toBe(controller.signal);
    expect(ctx.signal).toBe(controller.signal);
    expect(lazy.getSignal).toHaveBeenCalledTimes(1);

    // once made, the signal itself is the truth
    expect(ctx.aborted).toBe(false);
    controller.abort();
    expect(ctx.aborted).toBe(true);
    expect(lazy.isAborted).toHaveBeenCalledTimes(2);
  });

  it('a child given its own signal does not create the lazy signal of its parent', () => {
    const { lazy } = lazySignal();
    const ctx = createContext().withSignal(lazy);
    const child = ctx.child({ signal: new AbortController().signal });
    expect(child.aborted).toBe(false);
    expect(lazy.getSignal).not.toHaveBeenCalled();
  });
});
