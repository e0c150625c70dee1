import { readFile } from 'node:fs/promises';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { workflowJsonSchema } from './workflowJsonSchema.js';

const ajv = new Ajv2020({ strict: false, allErrors: true });
const validate = ajv.compile(workflowJsonSchema());
const template = async (name: string) =>
  parse(await readFile(new URL(`../../templates/${name}.workflow.yaml`, import.meta.url), 'utf8'));

describe('workflowJsonSchema', () => {
  it.each(['package-release', 'feature-development', 'incident-response'])(
    'accepts the built-in %s',
    async (name) => {
      expect(validate(await template(name)), JSON.stringify(validate.errors)).toBe(true);
    },
  );

  it('rejects an unknown field, a step of no known kind and a missing stage list', async () => {
    const wf = await template('package-release');
    expect(validate({ ...wf, colour: 'red' })).toBe(false);
    wf.stages[0].steps[0] = { id: 'x', shell: 'ls' };
    expect(validate(wf)).toBe(false);
    expect(validate({ name: 'x', description: 'd' })).toBe(false);
  });
});
