import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filesystemServerBin as serverBin } from './publishedServer.testkit.js';
import { startCollector } from './telemetry/otlpReceiver.testkit.js';

const exec = promisify(execFile);
const packages = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const NAMES = ['core', 'personas', 'workflows', 'integrations', 'cli'];

let root: string;
let app: string;

/**
 * The packages as users get them: packed (`workspace:*` becomes versions) and installed with npm
 * from the tarballs in a folder outside the workspace, their dependencies from the registry.
 */
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tta-packed-'));
  const tarballs = join(root, 'tarballs');
  await mkdir(tarballs);
  for (const name of NAMES)
    await exec('pnpm', ['pack', '--pack-destination', tarballs], { cwd: join(packages, name) });
  app = join(root, 'app');
  await mkdir(app);
  await writeFile(join(app, 'package.json'), '{ "name": "app", "private": true }\n');
  const files = (await readdir(tarballs)).map((f) => join(tarballs, f));
  await exec('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...files], {
    cwd: app,
    maxBuffer: 16 * 1024 * 1024,
  });
}, 600_000);
afterAll(() => rm(root, { recursive: true, force: true }));

/** What an OTLP/HTTP (JSON) request carries, as far as this test reads it. */
interface Otlp {
  resourceSpans?: { scopeSpans: { scope: { name: string }; spans: unknown[] }[] }[];
  resourceMetrics?: { scopeMetrics: { scope: { name: string }; metrics: unknown[] }[] }[];
}

describe('the packages as npm installs them', () => {
  it('share one OpenTelemetry API, so every package’s spans and metrics reach the exporter', async () => {
    // One copy of the API in the whole tree: a second one would record nothing.
    const { stdout } = await exec('npm', ['ls', '--all', '--parseable', '@opentelemetry/api'], {
      cwd: app,
    });
    const copies = new Set(
      stdout
        .split('\n')
        .filter((line) => line.endsWith(join('node_modules', '@opentelemetry', 'api'))),
    );
    expect([...copies]).toHaveLength(1);

    const project = join(root, 'project');
    await mkdir(join(project, '.tta', 'workflows'), { recursive: true });
    await mkdir(join(project, '.hypertool'));
    await writeFile(join(project, 'notes.md'), 'ship it\n');
    await writeFile(
      join(project, '.hypertool', 'mcp_servers.json'),
      JSON.stringify({
        mcpServers: { filesystem: { command: process.execPath, args: [serverBin, project] } },
      }),
    );
    await writeFile(
      join(project, '.tta', 'workflows', 'traced.workflow.yaml'),
      `name: traced
description: A command and a tool call, traced.
stages:
  - id: work
    title: Work
    persona: backend
    steps:
      - id: hello
        run: echo hello
      - id: notes
        tool: filesystem__read_text_file
        with: { path: "${project}/notes.md" }
`,
    );
    const tta = join(app, 'node_modules', '@tta-dev', 'cli', 'dist', 'bin', 'tta.js');
    const collector = await startCollector();
    try {
      const { stderr } = await exec(process.execPath, [tta, 'workflow', 'run', 'traced'], {
        cwd: project,
        env: {
          PATH: process.env.PATH ?? '',
          TTA_HOME: join(root, 'home'),
          NO_COLOR: '1',
          OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        },
      });
      expect(stderr).toContain('✓ notes');
    } finally {
      collector.server.close();
    }
    const spanScopes = new Set<string>();
    const metricScopes = new Set<string>();
    for (const { path, body: received } of collector.received) {
      const body = received as Otlp;
      if (path === '/v1/traces')
        for (const rs of body.resourceSpans ?? [])
          for (const ss of rs.scopeSpans) if (ss.spans.length > 0) spanScopes.add(ss.scope.name);
      if (path === '/v1/metrics')
        for (const rm of body.resourceMetrics ?? [])
          for (const sm of rm.scopeMetrics)
            if (sm.metrics.length > 0) metricScopes.add(sm.scope.name);
    }
    expect([...spanScopes].sort()).toEqual(
      expect.arrayContaining(['@tta-dev/core', '@tta-dev/integrations', '@tta-dev/workflows']),
    );
    // The personas package records metrics (its switches), not spans.
    expect([...metricScopes]).toContain('@tta-dev/personas');
    const manifest = JSON.parse(
      await readFile(join(app, 'node_modules', '@tta-dev', 'cli', 'package.json'), 'utf8'),
    ) as { dependencies: Record<string, string> };
    expect(manifest.dependencies['@tta-dev/integrations']).not.toContain('workspace:');
  });
});
