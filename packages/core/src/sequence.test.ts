import { describe, expect, it } from 'vitest';
import { isCancelledError } from './errors/CancelledError.js';
import { isInvalidCompositionError } from './errors/InvalidCompositionError.js';
import { Sequence, sequence } from './sequence.js';
import { step } from './step.js';
import { createContext } from './WorkflowContext.js';

const add = (n: number) => step((x: number) => x + n, { name: `+${n}` });

describe('sequence', () => {
  it('feeds each output to the next step, in order', async () => {
    const seen: string[] = [];
    const trace = (label: string) =>
      step((x: string) => {
        seen.push(label);
        return `${x}${label}`;
      });
    expect(await sequence(trace('a'), trace('b'), trace('c')).run('', createContext())).toBe('abc');
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('changes types along the way', async () => {
    const pipeline = sequence(
      step((s: string) => s.length),
      step((n: number) => n > 2),
    );
    const result: boolean = await pipeline.run('abcd', createContext());
    expect(result).toBe(true);
  });

  it('flattens nested sequences and pipe chains', () => {
    const nested = sequence(add(1), sequence(add(2), sequence(add(3), add(4))));
    expect(nested.steps.map((s) => s.name)).toEqual(['+1', '+2', '+3', '+4']);
    const piped = add(1).pipe(add(2)).pipe(add(3));
    expect(piped).toBeInstanceOf(Sequence);
    expect((piped as Sequence<number, number>).steps).toHaveLength(3);
    expect(piped.name).toBe('+1 → +2 → +3');
  });

  it('pipe runs the next primitive on the output', async () => {
    expect(await add(1).pipe(add(10)).run(1, createContext())).toBe(12);
  });

  it('refuses to be empty', () => {
    let error: unknown;
    try {
      sequence();
    } catch (e) {
      error = e;
    }
    expect(isInvalidCompositionError(error)).toBe(true);
    expect((error as Error).message).toMatch(/at least one step/);
  });

  it('stops at the first failure without running the rest', async () => {
    let after = false;
    const pipeline = sequence(
      add(1),
      step(() => {
        throw new Error('broken');
      }),
      step(() => {
        after = true;
      }),
    );
    await expect(pipeline.run(0, createContext())).rejects.toThrow('broken');
    expect(after).toBe(false);
  });

  it('stops between steps when the context is aborted', async () => {
    const controller = new AbortController();
    let third = false;
    const pipeline = sequence(
      add(1),
      step((x: number) => {
        controller.abort();
        return x;
      }),
      step(() => {
        third = true;
      }),
    );
    const error = await pipeline
      .run(0, createContext({ signal: controller.signal }))
      .catch((e) => e);
    expect(isCancelledError(error)).toBe(true);
    expect(third).toBe(false);
  });
});
