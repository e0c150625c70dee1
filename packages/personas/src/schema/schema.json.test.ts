import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { backend } from '../builtins/backend.js';
import { BUILTIN_PERSONAS } from '../builtins/index.js';
import { PersonaSchema } from './PersonaSchema.js';

// schema.json is written by the build (scripts/write-schema.mjs) at the package root.
const schemaFile = new URL('../../schema.json', import.meta.url);
const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as Record<string, unknown>;
// Strict mode (Ajv's default) also rejects keywords that draft 2020-12 does not define.
const validate = new Ajv2020({ allErrors: true }).compile(schema);

const minimal = {
  name: 'release-captain',
  displayName: 'Release Captain',
  description: 'Ships packages.',
  tokenBudget: 1800,
};

const without = <T extends object>(value: T, key: keyof T) => {
  const { [key]: _, ...rest } = value;
  return rest;
};

describe('schema.json', () => {
  it('is a draft 2020-12 schema with its id', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe('https://tta.dev/schemas/persona.json');
  });

  it.each(BUILTIN_PERSONAS.map((p) => [p.name, p] as const))(
    'accepts the built-in %s, as written and with defaults applied',
    (_, p) => {
      expect(validate(p), JSON.stringify(validate.errors)).toBe(true);
      expect(validate(PersonaSchema.parse(p)), JSON.stringify(validate.errors)).toBe(true);
    },
  );

  it.each([
    ['a minimal persona', minimal],
    ['a persona naming its schema', { $schema: './schema.json', ...minimal }],
  ])('accepts %s', (_, persona) => {
    expect(validate(persona), JSON.stringify(validate.errors)).toBe(true);
  });

  it.each([
    [
      'an unknown field',
      { ...backend, colour: 'blue' },
      { keyword: 'additionalProperties', params: { additionalProperty: 'colour' } },
    ],
    [
      'an unknown nested field',
      { ...minimal, security: { blockList: [], secrets: true } },
      {
        instancePath: '/security',
        keyword: 'additionalProperties',
        params: { additionalProperty: 'secrets' },
      },
    ],
    [
      'a missing tokenBudget',
      without(backend, 'tokenBudget'),
      { keyword: 'required', params: { missingProperty: 'tokenBudget' } },
    ],
    [
      'a tokenBudget of zero',
      { ...minimal, tokenBudget: 0 },
      { instancePath: '/tokenBudget', keyword: 'exclusiveMinimum' },
    ],
    [
      'a fractional tokenBudget',
      { ...minimal, tokenBudget: 1500.5 },
      { instancePath: '/tokenBudget', keyword: 'type' },
    ],
    ['a name with capitals', { ...minimal, name: 'Release' }, { instancePath: '/name' }],
    [
      'an empty tool glob',
      { ...minimal, allowedServers: ['github'], allowedTools: { github: [''] } },
      { instancePath: '/allowedTools/github/0', keyword: 'minLength' },
    ],
  ])('rejects %s, as PersonaSchema does', (_, persona, error) => {
    expect(validate(persona)).toBe(false);
    expect(validate.errors).toContainEqual(expect.objectContaining(error));
    expect(PersonaSchema.safeParse(persona).success).toBe(false);
  });
});
