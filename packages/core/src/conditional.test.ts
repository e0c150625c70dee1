import { describe, expect, it } from 'vitest';
import { conditional } from './conditional.js';
import { step } from './step.js';
import { createContext } from './WorkflowContext.js';

const label = (text: string) => step((x: number) => `${text}:${x}`);

describe('conditional', () => {
  it.each([
    [5, 'big:5'],
    [1, 'small:1'],
  ])('with %s runs the matching branch', async (input, expected) => {
    const p = conditional((x: number) => x > 3, label('big'), label('small'));
    expect(await p.run(input, createContext())).toBe(expected);
  });

  it('passes the input through when the predicate fails and there is no else', async () => {
    const p = conditional((x: number) => x > 3, label('big'));
    expect(await p.run(2, createContext())).toBe(2);
    expect(await p.run(4, createContext())).toBe('big:4');
  });

  it('awaits async predicates and gives them the context', async () => {
    const p = conditional(
      async (_x: number, ctx) => ctx.persona === 'devops',
      label('deploy'),
      label('skip'),
    );
    expect(await p.run(1, createContext({ persona: 'devops' }))).toBe('deploy:1');
    expect(await p.run(1, createContext({ persona: 'backend' }))).toBe('skip:1');
  });
});
