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

  it('knows the query, git and github steps and their fields', async () => {
    const wf = await template('package-release');
    const withStep = (step: object) => {
      wf.stages[0].steps[0] = { id: 'x', ...step };
      return validate(wf);
    };
    expect(withStep({ promql: 'up', range: { last: '30m', step: '1m' } })).toBe(true);
    expect(withStep({ logql: '{app="api"}', limit: 10 })).toBe(true);
    expect(withStep({ git: 'tag', with: { name: 'v1', message: 'Release' } })).toBe(true);
    expect(withStep({ github: 'ci_status', with: { wait: true, waitMinutes: 5 } })).toBe(true);
    expect(withStep({ promql: 'up', range: { since: '30m' } })).toBe(false);
    expect(withStep({ git: 'rebase' })).toBe(false);
    expect(withStep({ github: 'release', with: { tag: 'v1', colour: 'red' } })).toBe(false);
  });
});
