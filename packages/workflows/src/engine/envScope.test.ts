import { PersonaRegistry } from '@tta-dev/personas';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseWorkflow } from '../definition/parseWorkflow.js';
import { foldRun } from '../runs/foldRun.js';
import { InMemoryRunStore } from '../runs/InMemoryRunStore.js';
import { WorkflowEngine } from './WorkflowEngine.js';

let registry: PersonaRegistry;
beforeAll(async () => {
  registry = await PersonaRegistry.load({ home: '/nonexistent-tta-home', cwd: '/' });
});

const WORKFLOW = `name: env-scope
description: Steps that depend on the environment.
stages:
  - id: s
    title: S
    persona: observability
    steps:
      - id: configured
        when: "\${{ env.PROMETHEUS_URL }}"
        memory: { url: "\${{ env.PROMETHEUS_URL }}" }
      - id: seen
        memory: { github: "[\${{ env.GITHUB_TOKEN }}]", region: "\${{ env.REGION }}" }
`;

const run = (env: Record<string, string>) =>
  new WorkflowEngine({ store: new InMemoryRunStore(), registry, cwd: '/', env }).start(
    parseWorkflow('w.yaml', WORKFLOW, { registry }),
  );
const output = (events: Awaited<ReturnType<typeof run>>['events'], step: string) =>
  foldRun(events)?.outputs[step];

describe('env in expressions', () => {
  it('decides a `when` from the run environment', async () => {
    const withUrl = await run({ PROMETHEUS_URL: 'http://prometheus:9090' });
    expect(output(withUrl.events, 'configured')).toEqual({ url: 'http://prometheus:9090' });
    const without = await run({});
    expect(output(without.events, 'configured')).toEqual({ skipped: true });
  });

  it('hides variables whose names say they are secrets', async () => {
    const result = await run({ GITHUB_TOKEN: 'ghp_abcdefghijklmnop', REGION: 'eu-west-1' });
    expect(output(result.events, 'seen')).toEqual({ github: '[]', region: 'eu-west-1' });
  });
});
