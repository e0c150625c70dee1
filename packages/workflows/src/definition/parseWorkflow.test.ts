import { readFile } from 'node:fs/promises';
import { PersonaRegistry } from '@tta-dev/personas';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseWorkflow } from './parseWorkflow.js';
import { isWorkflowFileError, type WorkflowFileError } from './WorkflowFileError.js';

let registry: PersonaRegistry;
beforeAll(async () => {
  registry = await PersonaRegistry.load({ home: '/nonexistent-tta-home', cwd: '/' });
});

const minimal = `name: demo
description: A demo.
inputs:
  target: { type: string, default: world }
stages:
  - id: one
    title: First
    persona: backend
    steps:
      - id: greet
        run: echo hello \${{ inputs.target }}
      - id: ask
        agent: Review the greeting.
        expected: approval
    gates:
      - id: greeted
        expression: \${{ steps.greet.output.exitCode == 0 }}
`;

const errorOf = (text: string): WorkflowFileError => {
  try {
    parseWorkflow('w.yaml', text, { registry });
  } catch (error) {
    if (isWorkflowFileError(error)) return error;
    throw error;
  }
  throw new Error('expected the workflow to be invalid');
};

describe('parseWorkflow', () => {
  it('parses steps by their kind key, with defaults', () => {
    const wf = parseWorkflow('w.yaml', minimal, { registry });
    expect(wf.stages[0]!.steps.map((s) => s.kind)).toEqual(['run', 'agent']);
    expect(wf.stages[0]!.steps[0]).toMatchObject({
      id: 'greet',
      kind: 'run',
      expectExitCode: 0,
      env: {},
      idempotent: true,
    });
    expect(wf.inputs.target).toEqual({ type: 'string', default: 'world', required: false });
    expect(wf.stages[0]!.gates).toHaveLength(1);
  });

  it('accepts the built-in package-release template', async () => {
    const text = await readFile(
      new URL('../../templates/package-release.workflow.yaml', import.meta.url),
      'utf8',
    );
    const wf = parseWorkflow('package-release.workflow.yaml', text, { registry });
    expect(wf.stages.map((s) => [s.id, s.persona])).toEqual([
      ['prepare', 'backend'],
      ['verify', 'testing'],
      ['ship', 'devops'],
    ]);
    expect(wf.stages.flatMap((s) => s.gates).length).toBeGreaterThanOrEqual(4);
  });

  it.each([
    [
      'an unknown persona',
      minimal.replace('persona: backend', 'persona: bakend'),
      'stages.0.persona',
      8,
      /unknown persona "bakend"; did you mean "backend"/,
    ],
    [
      'a step with two kinds',
      minimal.replace('        expected: approval', '        expected: approval\n        run: ls'),
      'stages.0.steps.1',
      12,
      /exactly one of .* agent and run|run and agent/,
    ],
    [
      'a step with no kind',
      minimal.replace('        run: echo hello ${{ inputs.target }}', '        name: nothing'),
      'stages.0.steps.0',
      10,
      /needs one of run, tool/,
    ],
    [
      'a bad expression',
      minimal.replace('inputs.target }}', 'inputs. }}'),
      'stages.0.steps.0.run',
      11,
      /expected a name after "\."/,
    ],
    [
      'an unknown field',
      minimal.replace('    title: First', '    title: First\n    colour: red'),
      'stages.0.colour',
      8,
      /unknown field "colour"/,
    ],
    [
      'a duplicate step id',
      minimal.replace('id: ask', 'id: greet'),
      'stages.0.steps.1.id',
      12,
      /used twice/,
    ],
    [
      'a missing title',
      minimal.replace('    title: First\n', ''),
      'stages.0.title',
      undefined,
      /required field is missing/,
    ],
    [
      'a bad tool name',
      minimal.replace('        run: echo hello ${{ inputs.target }}', '        tool: create_issue'),
      'stages.0.steps.0.tool',
      11,
      /<server>__<tool>/,
    ],
    [
      'a wrong type as a wrong type',
      'name: demo\ndescription: A demo.\nstages: three\n',
      'stages',
      3,
      /^wrong type: expected array, got string "three"$/,
    ],
    [
      'a wrong type in a step',
      minimal.replace('run: echo hello ${{ inputs.target }}', 'run: 3'),
      'stages.0.steps.0.run',
      11,
      /^wrong type: expected string, got number 3$/,
    ],
    [
      'an unknown field of a step at its own line',
      minimal.replace(
        '        expected: approval',
        '        expected: approval\n        colour: red',
      ),
      'stages.0.steps.1.colour',
      15,
      /unknown field "colour"/,
    ],
    [
      'an unknown function',
      minimal.replace('inputs.target }}', "eval('1') }}"),
      'stages.0.steps.0.run',
      11,
      /unknown function "eval" \(use contains, .*\) in \$\{\{ eval\('1'\) \}\}/,
    ],
    [
      'an unknown name, also inside a call',
      minimal.replace('inputs.target }}', "contains(secrets.X, 'a') }}"),
      'stages.0.steps.0.run',
      11,
      /unknown name "secrets" \(use inputs, steps, memory, project, env\)/,
    ],
    [
      'an input that is not declared',
      minimal.replace('inputs.target }}', 'inputs.nope }}'),
      'stages.0.steps.0.run',
      11,
      /input "nope" is not declared \(declared: target\)/,
    ],
    [
      'a step that does not exist',
      minimal.replace('steps.greet.output.exitCode', 'steps.nope.output.exitCode'),
      'stages.0.gates.0.expression',
      17,
      /no step "nope" in this workflow/,
    ],
    [
      'a step that runs later',
      minimal.replace('inputs.target }}', 'steps.ask.output }}'),
      'stages.0.steps.0.run',
      11,
      /step "ask" runs later: its output is not known here/,
    ],
    [
      "a step's own output",
      minimal.replace('expected: approval', 'expected: ${{ steps.ask.output }}'),
      'stages.0.steps.1.expected',
      14,
      /step "ask" is this step/,
    ],
    [
      "a stage's instructions using its own steps",
      minimal.replace(
        '    title: First',
        '    title: First\n    instructions: ${{ steps.greet.output }}',
      ),
      'stages.0.instructions',
      8,
      /step "greet" runs later/,
    ],
    [
      'an alias bomb',
      `a: &a [x, x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
`,
      '',
      undefined,
      /aliases \(\*name\) expand too far \(more than 100 times\)/,
    ],
  ])('reports %s with file, line and field', (_label, text, path, line, message) => {
    const error = errorOf(text);
    const issue = error.issues.find((i) => i.path === path);
    expect(issue, JSON.stringify(error.issues)).toBeDefined();
    if (line !== undefined) expect(issue?.line).toBe(line);
    expect(issue?.message).toMatch(message);
    expect(error.message).toContain(`w.yaml${issue?.line === undefined ? '' : `:${issue.line}`}`);
  });

  it('reports YAML syntax errors with their line', () => {
    const error = errorOf('name: x\nstages: [\n');
    expect(error.issues[0]?.line).toBeGreaterThanOrEqual(2);
  });
});
