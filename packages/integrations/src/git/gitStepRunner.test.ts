import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runError, runWorkflow, stepOutput } from '../steps/workflowRun.testkit.js';
import { createRepository, gitIn, TEST_GIT_ENV } from './git.testkit.js';

let root: string;
let repo: string;
let remote: string;
beforeEach(async () => {
  ({ root, repo, remote } = await createRepository());
});
afterEach(() => rm(root, { recursive: true, force: true }));

const WORKFLOW = `name: release-branch
description: Branch, commit, tag and push a release with git steps.
inputs:
  version: { type: string, default: "1.2.0" }
stages:
  - id: ship
    title: Ship
    persona: devops
    steps:
      - id: branch
        git: branch
        with: { name: "release/v\${{ inputs.version }}" }
      - id: bump
        run: 'printf "%s\\n" "\${{ inputs.version }}" > VERSION && echo scratch > notes.tmp'
      - id: commit
        git: commit
        with:
          message: "chore(release): v\${{ inputs.version }}"
          files: [VERSION]
      - id: tag
        git: tag
        with:
          name: "v\${{ inputs.version }}"
          message: "Release v\${{ inputs.version }}"
      - id: push
        git: push
        with: { tags: ["\${{ steps.tag.output.tag }}"] }
    gates:
      - id: tag-on-remote
        command: git ls-remote --exit-code origin "refs/tags/v\${{ inputs.version }}"
`;

describe('git steps in a workflow run, on a real repository with a bare remote', () => {
  it('branch, commit only the files given, tag and push branch and tag', async () => {
    const result = await runWorkflow(WORKFLOW, { cwd: repo, env: TEST_GIT_ENV });
    expect(runError(result.events)).toBeUndefined();
    expect(result.status).toBe('completed');

    const head = gitIn(repo, 'rev-parse', 'HEAD');
    expect(stepOutput(result.events, 'branch')).toMatchObject({
      branch: 'release/v1.2.0',
      created: true,
      previous: 'main',
    });
    expect(stepOutput(result.events, 'commit')).toEqual({
      commit: head,
      branch: 'release/v1.2.0',
      message: 'chore(release): v1.2.0',
      files: ['VERSION'],
    });
    expect(gitIn(repo, 'status', '--porcelain')).toBe('?? notes.tmp');
    expect(stepOutput(result.events, 'tag')).toEqual({
      tag: 'v1.2.0',
      commit: head,
      annotated: true,
      created: true,
    });
    expect(stepOutput(result.events, 'push')).toEqual({
      remote: 'origin',
      pushed: [
        { ref: 'refs/heads/release/v1.2.0', status: 'new' },
        { ref: 'refs/tags/v1.2.0', status: 'new' },
      ],
    });
    expect(gitIn(remote, 'rev-parse', 'release/v1.2.0')).toBe(head);
    expect(gitIn(remote, 'rev-parse', 'v1.2.0^{commit}')).toBe(head);
    expect(gitIn(remote, 'show', `${head}:VERSION`)).toBe('1.2.0');
    expect(await readFile(join(repo, 'VERSION'), 'utf8')).toBe('1.2.0\n');
    expect(result.events.find((e) => e.type === 'gate_passed')).toMatchObject({
      gate: 'tag-on-remote',
    });
  });

  it('fail the run with git’s reason when the push is rejected', async () => {
    gitIn(repo, 'push', '-q', 'origin', 'main:refs/heads/release/v1.2.0');
    gitIn(repo, 'commit', '-q', '--allow-empty', '-m', 'elsewhere');
    gitIn(repo, 'push', '-q', '-f', 'origin', 'main:refs/heads/release/v1.2.0');
    gitIn(repo, 'reset', '-q', '--hard', 'HEAD~1');
    const result = await runWorkflow(WORKFLOW, { cwd: repo, env: TEST_GIT_ENV });
    expect(result.status).toBe('failed');
    expect(runError(result.events)).toMatchObject({
      step: 'push',
      name: 'GitError',
      message: expect.stringMatching(/rejected/),
    });
  });

  it('fail on a tag that exists at another commit, naming both', async () => {
    gitIn(repo, 'tag', 'v1.2.0');
    const result = await runWorkflow(WORKFLOW, { cwd: repo, env: TEST_GIT_ENV });
    expect(runError(result.events)).toMatchObject({
      step: 'tag',
      message: expect.stringMatching(/^tag v1\.2\.0 already exists at [0-9a-f]{12}, not at HEAD/),
    });
  });
});
