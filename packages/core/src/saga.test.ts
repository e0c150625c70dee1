import { describe, expect, it } from 'vitest';
import { isInvalidCompositionError } from './errors/InvalidCompositionError.js';
import { type Completed, compensationFailuresOf, type SagaStep, saga } from './saga.js';
import { step } from './step.js';
import { createContext, type WorkflowContext } from './WorkflowContext.js';
import type { WorkflowEvent } from './WorkflowEvent.js';

/** Builds saga steps that log what ran; `failAt` names the step whose forward action throws. */
function booking(failAt?: string, failing: Record<string, unknown> = {}) {
  const log: string[] = [];
  const received: Record<string, Completed> = {};
  const make = (name: string, f: (x: number) => number): SagaStep => ({
    name,
    run: (x: unknown) => {
      log.push(`run ${name}`);
      if (name === failAt) throw new Error(`${name} failed`);
      return f(x as number);
    },
    compensate: (completed: Completed) => {
      log.push(`undo ${name}`);
      received[name] = completed;
      if (name in failing) throw failing[name];
    },
  });
  const steps = [
    make('reserve', (x) => x + 1),
    make('charge', (x) => x * 10),
    make('ship', (x) => x - 3),
    make('notify', (x) => x * 2),
  ];
  return { steps, log, received };
}

const events = (ctx: WorkflowContext) => {
  const seen: WorkflowEvent[] = [];
  ctx.on((e) => seen.push(e));
  return seen;
};

describe('saga', () => {
  it('chains outputs and runs no compensation on success', async () => {
    const { steps, log } = booking();
    expect(await saga<number, number>(steps).run(1, createContext())).toBe(34); // ((1+1)*10-3)*2
    expect(log).toEqual(['run reserve', 'run charge', 'run ship', 'run notify']);
  });

  it('accepts primitives as steps and compensations', async () => {
    const seen: Completed[] = [];
    const s = saga<string, string>([
      { run: step((x: string) => `${x}-a`, { name: 'a' }) },
      {
        run: step((x: string) => `${x}-b`, { name: 'b' }),
        compensate: step((c: Completed) => {
          seen.push(c);
        }),
      },
      {
        run: step(() => {
          throw new Error('c failed');
        }),
      },
    ]);
    expect(s.name).toBe('saga(a, b, step)');
    await expect(s.run('x', createContext())).rejects.toThrow('c failed');
    expect(seen).toEqual([{ input: 'x-a', output: 'x-a-b' }]);
  });

  it('names unnamed function steps by position, and takes a saga name', () => {
    const s = saga([{ run: (x: unknown) => x }, { name: 'second', run: (x: unknown) => x }]);
    expect(s.name).toBe('saga(step 1, second)');
    expect(saga([{ run: (x: unknown) => x }], { name: 'order' }).name).toBe('order');
    expect(s.kind).toBe('saga');
  });

  it('refuses an empty saga', () => {
    let error: unknown;
    try {
      saga([]);
    } catch (e) {
      error = e;
    }
    expect(isInvalidCompositionError(error)).toBe(true);
  });

  it.each([
    ['reserve', ['run reserve']],
    ['charge', ['run reserve', 'run charge', 'undo reserve']],
    ['ship', ['run reserve', 'run charge', 'run ship', 'undo charge', 'undo reserve']],
    [
      'notify',
      [
        'run reserve',
        'run charge',
        'run ship',
        'run notify',
        'undo ship',
        'undo charge',
        'undo reserve',
      ],
    ],
  ])('when %s fails, undoes the completed steps in reverse order', async (failAt, expected) => {
    const { steps, log } = booking(failAt);
    await expect(saga(steps).run(1, createContext())).rejects.toThrow(`${failAt} failed`);
    expect(log).toEqual(expected);
  });

  it('gives each compensation the input and output of its own step', async () => {
    const { steps, received } = booking('notify');
    await saga(steps)
      .run(1, createContext())
      .catch(() => undefined);
    expect(received).toEqual({
      reserve: { input: 1, output: 2 },
      charge: { input: 2, output: 20 },
      ship: { input: 20, output: 17 },
    });
  });

  it('skips steps without a compensation', async () => {
    const log: string[] = [];
    const s = saga([
      { name: 'a', run: () => 1, compensate: () => log.push('undo a') },
      { name: 'b', run: () => 2 },
      { name: 'c', run: () => 3, compensate: () => log.push('undo c') },
      {
        name: 'd',
        run: () => {
          throw new Error('d');
        },
        compensate: () => log.push('undo d'),
      },
    ]);
    await expect(s.run(0, createContext())).rejects.toThrow('d');
    expect(log).toEqual(['undo c', 'undo a']);
  });

  it('raises the original error object itself', async () => {
    const original = new TypeError('original');
    const s = saga([
      { run: () => 1, compensate: () => undefined },
      {
        run: () => {
          throw original;
        },
      },
    ]);
    const error = await s.run(0, createContext()).catch((e: unknown) => e);
    expect(error).toBe(original);
    expect(compensationFailuresOf(error)).toEqual([]);
  });

  it('attempts every compensation when some fail, attaching the failures to the original error', async () => {
    const undoCharge = new Error('refund failed');
    const undoReserve = { reason: 'not an Error' };
    const { steps, log } = booking('notify', { charge: undoCharge, reserve: undoReserve });
    const error = await saga(steps)
      .run(1, createContext())
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe('notify failed');
    expect(log.filter((l) => l.startsWith('undo'))).toEqual([
      'undo ship',
      'undo charge',
      'undo reserve',
    ]);
    const failures = compensationFailuresOf(error);
    expect(failures).toHaveLength(2);
    expect(failures[0]!.step).toBe('charge');
    expect(failures[0]!.error).toBe(undoCharge);
    expect(failures[1]!.step).toBe('reserve');
    expect(failures[1]!.error).toBe(undoReserve);
    // attached without changing how the error looks
    expect(Object.keys(error as object)).toEqual(Object.keys(new Error('x')));
  });

  it.each([
    ['a string', 'plain string'],
    ['a number', 42],
    ['undefined', undefined],
    ['a frozen object', Object.freeze({ code: 'E' })],
  ])(
    'wraps %s thrown by a step when compensations failed, keeping it as cause',
    async (_label, thrown) => {
      const undoError = new Error('undo failed');
      const s = saga(
        [
          {
            name: 'first',
            run: () => 1,
            compensate: () => {
              throw undoError;
            },
          },
          {
            name: 'second',
            run: () => {
              throw thrown;
            },
          },
        ],
        { name: 'wrapping' },
      );
      const error = await s.run(0, createContext()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).cause).toBe(thrown);
      expect((error as Error).message).toContain('wrapping');
      expect(compensationFailuresOf(error)).toEqual([{ step: 'first', error: undoError }]);
    },
  );

  it('raises a thrown non-object as is when every compensation succeeded', async () => {
    const s = saga([
      { run: () => 1, compensate: () => undefined },
      {
        run: () => {
          throw 'just a string';
        },
      },
    ]);
    await expect(s.run(0, createContext())).rejects.toBe('just a string');
  });

  it.each([null, undefined, 'x', 3, {}, new Error('unrelated')])(
    'compensationFailuresOf(%s) is empty for errors no saga raised',
    (value) => {
      expect(compensationFailuresOf(value)).toEqual([]);
    },
  );

  it('runs compensations even when the context was aborted, on a live signal', async () => {
    const controller = new AbortController();
    const seen: { aborted: boolean; signalAborted: boolean }[] = [];
    const ctx = createContext({ signal: controller.signal });
    const s = saga([
      {
        name: 'a',
        run: () => 1,
        compensate: (_c, undoCtx) => {
          seen.push({ aborted: undoCtx.aborted, signalAborted: undoCtx.signal.aborted });
        },
      },
      {
        name: 'b',
        run: (x: unknown, stepCtx) => {
          controller.abort(new Error('user cancelled'));
          expect(stepCtx.aborted).toBe(true);
          throw new Error(`b saw ${x as number}`);
        },
      },
    ]);
    await expect(s.run(0, ctx)).rejects.toThrow('b saw 1');
    expect(seen).toEqual([{ aborted: false, signalAborted: false }]);
  });

  it('runs compensations when the saga is cancelled before a later step starts', async () => {
    const controller = new AbortController();
    const log: string[] = [];
    const s = saga([
      { name: 'a', run: () => 1, compensate: () => log.push('undo a') },
      {
        name: 'b',
        run: () => {
          controller.abort();
          return 2;
        },
        compensate: () => log.push('undo b'),
      },
      { name: 'c', run: () => log.push('run c') },
    ]);
    const error = await s.run(0, createContext({ signal: controller.signal })).catch((e) => e);
    expect((error as { code?: string }).code).toBe('TTA_CANCELLED');
    expect(log).toEqual(['undo b', 'undo a']);
  });

  it('keeps compensating when the context is aborted during the compensations', async () => {
    const controller = new AbortController();
    const log: string[] = [];
    const s = saga([
      { name: 'a', run: () => 1, compensate: () => log.push('undo a') },
      {
        name: 'b',
        run: () => 2,
        compensate: () => {
          log.push('undo b');
          controller.abort(); // e.g. the user presses Ctrl-C while the saga is undoing
        },
      },
      {
        name: 'c',
        run: () => {
          throw new Error('c failed');
        },
      },
    ]);
    const error = await s.run(0, createContext({ signal: controller.signal })).catch((e) => e);
    expect((error as Error).message).toBe('c failed');
    expect(log).toEqual(['undo b', 'undo a']);
    expect(compensationFailuresOf(error)).toEqual([]);
  });

  it('shares the context state with compensations', async () => {
    const ctx = createContext({ state: { refunded: [] as string[] } });
    const s = saga([
      {
        name: 'pay',
        run: () => 'txn-1',
        compensate: ({ output }, undoCtx) => {
          (undoCtx.state.refunded as string[]).push(output as string);
        },
      },
      {
        run: () => {
          throw new Error('later');
        },
      },
    ]);
    await s.run(0, ctx).catch(() => undefined);
    expect(ctx.state.refunded).toEqual(['txn-1']);
  });

  it('emits a compensation event per compensation, in order, with its outcome', async () => {
    const { steps } = booking('notify', { charge: new Error('refund failed') });
    const ctx = createContext();
    const seen = events(ctx);
    await saga(steps, { name: 'booking' })
      .run(1, ctx)
      .catch(() => undefined);
    const compensations = seen.filter((e) => e.type === 'compensation');
    expect(compensations.map((e) => [e.primitive, e.data])).toEqual([
      ['booking', { step: 'ship', outcome: 'success' }],
      ['booking', { step: 'charge', outcome: 'error' }],
      ['booking', { step: 'reserve', outcome: 'success' }],
    ]);
    for (const e of compensations) expect(e.runId).toBe(ctx.runId);
  });

  it('emits compensation events to the original listeners even when aborted', async () => {
    const controller = new AbortController();
    const ctx = createContext({ signal: controller.signal });
    const seen = events(ctx);
    const s = saga([
      { name: 'a', run: () => 1, compensate: () => undefined },
      {
        run: () => {
          controller.abort();
          throw new Error('stop');
        },
      },
    ]);
    await s.run(0, ctx).catch(() => undefined);
    expect(seen.filter((e) => e.type === 'compensation').map((e) => e.data)).toEqual([
      { step: 'a', outcome: 'success' },
    ]);
  });

  it('emits no compensation event when nothing needs undoing', async () => {
    const ctx = createContext();
    const seen = events(ctx);
    const { steps } = booking('reserve');
    await saga(steps)
      .run(1, ctx)
      .catch(() => undefined);
    expect(seen.filter((e) => e.type === 'compensation')).toEqual([]);
  });
});
