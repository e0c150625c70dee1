import { describe, expect, it } from 'vitest';
import { parseWorkflow } from './parseWorkflow.js';
import { isWorkflowFileError, type WorkflowFileError } from './WorkflowFileError.js';

/** A one-stage workflow around `steps` (YAML lines indented for a step list). */
const workflow = (steps: string) => `name: t
description: d
stages:
  - id: s
    title: S
    persona: devops
    steps:
${steps}`;

const errorOf = (text: string): WorkflowFileError => {
  try {
    parseWorkflow('w.yaml', text);
  } catch (error) {
    if (isWorkflowFileError(error)) return error;
    throw error;
  }
  throw new Error('expected the workflow to be invalid');
};

describe('the step kinds of integrations', () => {
  it('reads promql and logql steps, instant or over a range', () => {
    const wf = parseWorkflow(
      'w.yaml',
      workflow(`      - id: rate
        promql: sum(rate(http_requests_total[5m]))
        url: http://127.0.0.1:9090
        range: { last: 30m, step: 1m }
      - id: logs
        logql: '{app="api"} |= "error"'
`),
    );
    expect(wf.stages[0]?.steps).toMatchObject([
      {
        kind: 'promql',
        promql: 'sum(rate(http_requests_total[5m]))',
        range: { last: '30m', step: '1m' },
      },
      { kind: 'logql', logql: '{app="api"} |= "error"', limit: 100 },
    ]);
  });

  it('reads git and github steps with their `with`', () => {
    const wf = parseWorkflow(
      'w.yaml',
      workflow(`      - id: tag
        git: tag
        with: { name: v1.0.0, message: Release v1.0.0 }
      - id: push
        git: push
      - id: release
        github: release
        with: { tag: v1.0.0, draft: "\${{ true }}" }
`),
    );
    expect(wf.stages[0]?.steps).toMatchObject([
      { kind: 'git', git: 'tag', with: { name: 'v1.0.0', message: 'Release v1.0.0' } },
      { kind: 'git', git: 'push', with: {} },
      { kind: 'github', github: 'release', with: { tag: 'v1.0.0' } },
    ]);
  });

  it('names the line and field of a missing or foreign `with` field, and an unknown action', () => {
    const error = errorOf(
      workflow(`      - id: tag
        git: tag
        with: { message: Release }
      - id: push
        git: push
        with: { message: oops }
      - id: pr
        github: pull_request
        with: { tag: v1 }
      - id: merge
        github: merge
      - id: q
        promql: up
        timeout: 5s
`),
    );
    expect(error.issues.map((i) => `${i.line}:${i.path}: ${i.message}`)).toEqual([
      '10:stages.0.steps.0.with.name: git tag needs with.name',
      '13:stages.0.steps.1.with.message: with.message is not used by git push (it takes remote, branch, tags)',
      '16:stages.0.steps.2.with.title: github pull_request needs with.title',
      '16:stages.0.steps.2.with.tag: with.tag is not used by github pull_request (it takes repo, remote, title, body, head, base, draft)',
      '18:stages.0.steps.3.github: Invalid option: expected one of "pull_request"|"release"|"ci_status"',
      '21:stages.0.steps.4.timeout: unknown field "timeout"',
    ]);
  });
});
