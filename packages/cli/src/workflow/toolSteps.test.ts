import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../io.testkit.js';
import { runSafely } from '../main.js';
import { filesystemServerBin as serverBin } from '../publishedServer.testkit.js';
import { runWorkflowCommand } from './workflowCommand.js';

let project: string;
beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'tta-tool-steps-'));
  await mkdir(join(project, '.hypertool'));
  await mkdir(join(project, '.tta', 'workflows'), { recursive: true });
  await writeFile(join(project, 'notes.md'), '# Notes\nship it\n');
  await writeFile(join(project, '.env'), 'SECRET=1\n');
  await writeFile(
    join(project, '.hypertool', 'mcp_servers.json'),
    JSON.stringify({
      mcpServers: { filesystem: { command: process.execPath, args: [serverBin, project] } },
    }),
  );
  await writeFile(
    join(project, '.tta', 'workflows', 'read-notes.workflow.yaml'),
    `name: read-notes
description: Reads a file through the filesystem MCP server.
inputs:
  file: { type: string, default: notes.md }
stages:
  - id: read
    title: Read
    persona: backend
    steps:
      - id: notes
        tool: filesystem__read_text_file
        with: { path: "${project}/\${{ inputs.file }}" }
    gates:
      - id: shipping
        expression: "\${{ contains(steps.notes.output, 'ship it') }}"
`,
  );
});
afterAll(() => rm(project, { recursive: true, force: true }));

async function run(args: string[]) {
  const io = captureIo({
    env: { PATH: process.env.PATH ?? '', TTA_HOME: join(project, 'home'), NO_COLOR: '1' },
    cwd: project,
  });
  const code = await runSafely(io, () => runWorkflowCommand(args, io));
  return { code, out: io.out(), err: io.err() };
}

describe('tta workflow run with tool steps', () => {
  it('calls a published MCP server under the stage persona and gates on its output', async () => {
    const result = await run(['run', 'read-notes', '--run-id', 'r1']);
    expect(result.err).toContain('✓ notes');
    expect(result.err).toContain('◆ gate shipping');
    expect(result.code).toBe(0);
  });

  it('refuses a path the persona restricts, before the server sees it', async () => {
    const result = await run(['run', 'read-notes', '--input', 'file=.env', '--run-id', 'r2']);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/restricted path for persona "tta-backend-engineer"/);
  });
});
