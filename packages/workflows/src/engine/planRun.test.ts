import { PersonaRegistry } from '@tta-dev/personas';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseWorkflow } from '../definition/parseWorkflow.js';
import { planRun } from './planRun.js';

let registry: PersonaRegistry;
beforeAll(async () => {
  registry = await PersonaRegistry.load({ home: '/nonexistent-tta-home', cwd: '/' });
});

describe('planRun', () => {
  it('renders what inputs and project facts allow, keeps the rest as written', () => {
    const workflow = parseWorkflow(
      'p.workflow.yaml',
      `name: p
description: d
inputs:
  bump: { type: string, enum: [patch, minor], default: patch }
stages:
  - id: s
    title: S
    persona: backend
    steps:
      - id: version
        run: \${{ project.packageManager }} version \${{ inputs.bump }}
      - id: echo
        run: echo \${{ steps.version.output.stdout }}
        when: \${{ inputs.bump == 'minor' }}
        fallback:
          - { id: alt, run: echo alt }
    gates:
      - { id: ok, expression: "\${{ true }}" }
`,
      { registry },
    );
    const plan = planRun(
      workflow,
      { bump: 'minor' },
      {
        project: { packageManager: 'pnpm' },
        personaName: (q) => registry.resolve(q)?.persona.name ?? q,
      },
    );
    expect(plan).toEqual({
      workflow: 'p',
      inputs: { bump: 'minor' },
      stages: [
        {
          id: 's',
          title: 'S',
          persona: 'tta-backend-engineer',
          steps: [
            { id: 'version', kind: 'run', action: 'pnpm version minor', fallbacks: 0 },
            {
              id: 'echo',
              kind: 'run',
              action: 'echo ${{ steps.version.output.stdout }}',
              when: "${{ inputs.bump == 'minor' }}",
              fallbacks: 1,
            },
          ],
          gates: [{ id: 'ok', name: 'ok' }],
        },
      ],
    });
    expect(() => planRun(workflow, { bump: 'major' })).toThrow('input "bump" must be one of');
  });
});
