import { describe, expect, it } from 'vitest';
import { CancelledError } from './errors/CancelledError.js';
import { fallback } from './fallback.js';
import { step } from './step.js';
import { createContext } from './WorkflowContext.js';

const ok = (value: string) => step(() => value, { name: value });
const fail = (message: string) =>
  step(
    () => {
      throw new Error(message);
    },
    { name: message },
  );

describe('fallback', () => {
  it('returns the primary result without trying the fallbacks', async () => {
    let tried = false;
    const p = fallback(ok('primary'), [
      step(() => {
        tried = true;
        return 'x';
      }),
    ]);
    expect(await p.run(undefined, createContext())).toBe('primary');
    expect(tried).toBe(false);
  });

  it('tries fallbacks in order on the same input; the first success wins', async () => {
    const inputs: unknown[] = [];
    const record = (value: string, succeed: boolean) =>
      step((input: number) => {
        inputs.push(input);
        if (!succeed) throw new Error(value);
        return value;
      });
    const p = fallback(record('a', false), [
      record('b', false),
      record('c', true),
      record('d', true),
    ]);
    expect(await p.run(7, createContext())).toBe('c');
    expect(inputs).toEqual([7, 7, 7]);
  });

  it('raises an AggregateError with every error in order when all fail', async () => {
    const error = await fallback(fail('one'), [fail('two'), fail('three')])
      .run(undefined, createContext())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AggregateError);
    expect((error as AggregateError).errors.map((e: Error) => e.message)).toEqual([
      'one',
      'two',
      'three',
    ]);
    expect((error as Error).message).toContain('all 3 alternatives');
  });

  it('emits a fallback event for each hand-over', async () => {
    const ctx = createContext();
    const events: unknown[] = [];
    ctx.on((e) => events.push(e.data));
    await fallback(fail('one'), [fail('two'), ok('three')]).run(undefined, ctx);
    expect(events).toEqual([
      { failed: 'one', next: 'two' },
      { failed: 'two', next: 'three' },
    ]);
  });

  it('does not try the rest once the run is cancelled', async () => {
    const controller = new AbortController();
    let tried = false;
    const p = fallback(
      step(() => {
        controller.abort();
        throw new CancelledError('primary');
      }),
      [
        step(() => {
          tried = true;
          return 'late';
        }),
      ],
    );
    await expect(
      p.run(undefined, createContext({ signal: controller.signal })),
    ).rejects.toBeInstanceOf(CancelledError);
    expect(tried).toBe(false);
  });
});
