import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isCancelledError } from './errors/CancelledError.js';
import { isValidationError, ValidationError } from './errors/ValidationError.js';
import { asPrimitive, step } from './step.js';
import { createContext } from './WorkflowContext.js';

describe('step', () => {
  it('runs sync and async functions with the input and the context', async () => {
    const ctx = createContext({ persona: 'backend' });
    expect(await step((x: number) => x * 2).run(21, ctx)).toBe(42);
    expect(await step(async (x: number, c) => `${x}:${c.persona}`).run(1, ctx)).toBe('1:backend');
  });

  it('takes its name from the option, the function, or "step"', () => {
    function double(x: number) {
      return x * 2;
    }
    expect(step(double).name).toBe('double');
    expect(step(double, { name: 'twice' }).name).toBe('twice');
    expect(step(() => 1).name).toBe('step');
  });

  it('turns a synchronous throw into a rejection', async () => {
    const failing = step(() => {
      throw new Error('nope');
    });
    await expect(failing.run(undefined, createContext())).rejects.toThrow('nope');
  });

  it('validates input and output with zod, naming the field path', async () => {
    const typed = step((user: { name: string; age: number }) => ({ greeting: `hi ${user.name}` }), {
      name: 'greet',
      input: z.object({ name: z.string(), age: z.number().int() }),
      output: z.object({ greeting: z.string().min(5) }),
    });
    const ctx = createContext();
    expect(await typed.run({ name: 'Ada', age: 36 }, ctx)).toEqual({ greeting: 'hi Ada' });

    const badInput = await typed.run({ name: 'Ada', age: 3.5 }, ctx).catch((e: unknown) => e);
    expect(isValidationError(badInput)).toBe(true);
    expect((badInput as ValidationError).side).toBe('input');
    expect((badInput as ValidationError).issues.map((i) => i.path)).toEqual(['age']);
    expect((badInput as Error).message).toMatch(/invalid input of "greet": age:/);

    const badOutput = await typed.run({ name: '', age: 1 }, ctx).catch((e: unknown) => e);
    expect(badOutput).toBeInstanceOf(ValidationError);
    expect((badOutput as ValidationError).side).toBe('output');
    expect((badOutput as ValidationError).issues[0]?.path).toBe('greeting');
  });

  it('passes parsed (transformed) input on', async () => {
    const trimmed = step((s: string) => s.length, { input: z.string().trim() });
    expect(await trimmed.run('  abc  ', createContext())).toBe(3);
  });

  it('does not start when the context is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('user stop'));
    let ran = false;
    const error = await step(() => {
      ran = true;
    })
      .run(undefined, createContext({ signal: controller.signal }))
      .catch((e: unknown) => e);
    expect(ran).toBe(false);
    expect(isCancelledError(error)).toBe(true);
    expect((error as Error).cause).toEqual(new Error('user stop'));
  });

  it('asPrimitive wraps functions and leaves primitives alone', async () => {
    const p = step((x: number) => x + 1);
    expect(asPrimitive(p)).toBe(p);
    const wrapped = asPrimitive((x: number) => x - 1, 'dec');
    expect(wrapped.name).toBe('dec');
    expect(await wrapped.run(1, createContext())).toBe(0);
  });
});
