import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PersonaRegistry } from '@tta-dev/personas';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { WorkflowEngine } from '../engine/WorkflowEngine.js';
import { InMemoryRunStore } from '../runs/InMemoryRunStore.js';
import { parseWorkflow } from './parseWorkflow.js';
import { defineStepKind } from './StepKind.js';
import { isWorkflowFileError, type WorkflowFileError } from './WorkflowFileError.js';
import { workflowJsonSchema } from './workflowJsonSchema.js';

/** A kind an application registers: what it saw, so that the test can check it. */
const seen: { step: unknown; aborted: boolean; signal: boolean }[] = [];
const deploy = defineStepKind({
  kind: 'deploy',
  fields: z
    .object({
      deploy: z.string().min(1).describe('The app to deploy'),
      replicas: z.number().int().min(1).default(1),
      labels: z.record(z.string(), z.string()).default({}),
    })
    .strict(),
  check: (step, ctx) => {
    if (step.deploy === 'prod' && step.replicas < 2)
      ctx.addIssue({ code: 'custom', path: ['replicas'], message: 'prod needs 2 replicas' });
  },
  run: async (step, ctx) => {
    seen.push({ step, aborted: ctx.signal?.aborted ?? true, signal: ctx.signal !== undefined });
    return { app: step.deploy, replicas: step.replicas, labels: step.labels };
  },
});
const kinds = [deploy];

const file = (step: string) => `name: ship
description: d
inputs:
  app: { default: web }
stages:
  - id: s
    title: S
    persona: devops
    steps:
${step}`;
const DEPLOY = `      - id: out
        deploy: "\${{ inputs.app }}"
        labels: { by: "\${{ inputs.app }}-team" }
`;

const errorOf = (text: string, options = { kinds }): WorkflowFileError => {
  try {
    parseWorkflow('w.yaml', text, options);
  } catch (error) {
    if (isWorkflowFileError(error)) return error;
    throw error;
  }
  throw new Error('expected the workflow to be invalid');
};

describe('a step kind registered by an application', () => {
  it('is read by the loader with its fields and their defaults', () => {
    const wf = parseWorkflow('w.yaml', file(DEPLOY), { kinds });
    expect(wf.stages[0]!.steps[0]).toMatchObject({
      id: 'out',
      kind: 'deploy',
      deploy: '${{ inputs.app }}',
      replicas: 1,
    });
  });

  it('is checked by its zod fields and its check, each error at its line and field', () => {
    const wrong = errorOf(file(`${DEPLOY}        replicas: many\n`));
    expect(wrong.issues).toEqual([
      expect.objectContaining({ path: 'stages.0.steps.0.replicas', line: 13 }),
    ]);
    expect(wrong.message).toContain('w.yaml:13');
    const odd = errorOf(file(`      - id: p\n        deploy: web\n        colour: red\n`));
    expect(odd.issues).toEqual([
      expect.objectContaining({ path: 'stages.0.steps.0.colour', line: 12 }),
    ]);
    const prod = errorOf(file(`      - id: p\n        deploy: prod\n`));
    expect(prod.issues).toEqual([
      expect.objectContaining({
        path: 'stages.0.steps.0.replicas',
        message: expect.stringContaining('prod needs 2 replicas'),
      }),
    ]);
  });

  it('is refused where it is not registered, with the list of the known kinds', () => {
    const error = errorOf(file(DEPLOY), { kinds: [] });
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]).toMatchObject({ path: 'stages.0.steps.0', line: 10 });
    expect(error.issues[0]!.message).toBe(
      'a step needs one of run, tool, code, agent, memory, journal, promql, logql, git, github',
    );
    expect(errorOf(file('      - id: x\n        shell: ls\n')).issues[0]!.message).toBe(
      'a step needs one of run, tool, code, agent, memory, journal, promql, logql, git, github, deploy',
    );
  });

  it('is in the JSON Schema built for it, and only there', () => {
    const compile = (schema: object) =>
      new Ajv2020({ strict: false, allErrors: true }).compile(schema);
    const withDeploy = compile(workflowJsonSchema(kinds));
    const standard = compile(workflowJsonSchema());
    const doc = parse(file(DEPLOY));
    expect(withDeploy(doc), JSON.stringify(withDeploy.errors)).toBe(true);
    expect(standard(doc)).toBe(false);
    doc.stages[0].steps[0].replicas = 'many';
    expect(withDeploy(doc)).toBe(false);
  });
});

describe('the engine with a registered kind', () => {
  let registry: PersonaRegistry;
  let home: string;
  beforeAll(async () => {
    registry = await PersonaRegistry.load({ home: '/nonexistent-tta-home', cwd: '/' });
  });
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'tta-kind-'));
    seen.length = 0;
  });
  afterEach(() => rm(home, { recursive: true, force: true }));

  it("runs its steps with their fields rendered and the attempt's signal", async () => {
    const wf = parseWorkflow('w.yaml', file(DEPLOY), { kinds, registry });
    const engine = new WorkflowEngine({
      store: new InMemoryRunStore(),
      registry,
      cwd: home,
      env: {},
      kinds,
    });
    const result = await engine.start(wf, { app: 'api' }, 'run-1');
    expect(result.status).toBe('completed');
    expect(seen).toEqual([
      {
        step: expect.objectContaining({
          id: 'out',
          kind: 'deploy',
          deploy: 'api',
          labels: { by: 'api-team' },
        }),
        signal: true,
        aborted: false,
      },
    ]);
    expect(result.events.find((e) => e.type === 'step_succeeded')).toMatchObject({
      output: { app: 'api', replicas: 1, labels: { by: 'api-team' } },
    });
  });

  it('fails the step clearly on an engine not given the kind', async () => {
    const wf = parseWorkflow('w.yaml', file(DEPLOY), { kinds, registry });
    const engine = new WorkflowEngine({
      store: new InMemoryRunStore(),
      registry,
      cwd: home,
      env: {},
    });
    const result = await engine.start(wf, {}, 'run-2');
    expect(result.status).toBe('failed');
    expect(result.events.find((e) => e.type === 'run_failed')).toMatchObject({
      error: { name: 'NotAvailableError', message: expect.stringContaining('deploy steps') },
    });
    expect(seen).toEqual([]);
  });
});
