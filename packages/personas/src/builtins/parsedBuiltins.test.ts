import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PersonaSchema } from '../schema/PersonaSchema.js';
import { BUILTIN_PERSONAS } from './index.js';
import { PARSED_BUILTINS_FILE, parsedBuiltinPersonas } from './parsedBuiltins.js';

const parsed = BUILTIN_PERSONAS.map((input) => PersonaSchema.parse(input));

describe('the precompiled built-in personas', () => {
  it('are, in the build, what the schema makes of the built-ins', () => {
    // Tests run after the build (turbo's test task depends on it): the file must be there.
    const file = new URL(`../../dist/builtins/${PARSED_BUILTINS_FILE}`, import.meta.url);
    expect(existsSync(file), 'dist/ has no precompiled built-ins: run pnpm build').toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(parsed);
  });

  it('are parsed with the schema when no build wrote them (the sources)', async () => {
    expect(await parsedBuiltinPersonas()).toEqual(parsed);
  });

  it('come as new objects at each call, so that a change to one does not leak', async () => {
    for (const url of ['./parsedBuiltins.js', '../../dist/builtins/parsedBuiltins.js']) {
      const { parsedBuiltinPersonas: load } = (await import(url)) as {
        parsedBuiltinPersonas: typeof parsedBuiltinPersonas;
      };
      const first = await load();
      first[0]!.aliases.push('changed');
      expect((await load())[0]!.aliases).not.toContain('changed');
    }
  });
});
