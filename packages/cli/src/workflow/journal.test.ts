import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emulateLogseq } from '@tta-dev/integrations/testing/logseq';
import { serveLogseqApi } from '@tta-dev/integrations/testing/logseq-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureIo } from '../io.testkit.js';
import { runSafely } from '../main.js';
import { runWorkflowCommand } from './workflowCommand.js';

let root: string;
let project: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tta-journal-'));
  project = join(root, 'project');
  await mkdir(join(project, '.tta', 'workflows'), { recursive: true });
  await writeFile(
    join(project, '.tta', 'workflows', 'notes.workflow.yaml'),
    `name: notes
description: Write release notes and keep them.
stages:
  - id: draft
    title: Draft
    persona: backend
    steps:
      - id: version
        run: echo 2.0.0
      - id: notes
        agent: Write the notes for v\${{ steps.version.output.stdout }}.
      - id: notes-page
        journal:
          page:
            title: Release notes
            content: "\${{ steps.notes.output }}"
`,
  );
});
afterEach(() => rm(root, { recursive: true, force: true }));

async function tta(args: string[], env: Record<string, string> = {}) {
  const io = captureIo({
    env: { PATH: process.env.PATH ?? '', TTA_HOME: join(root, 'home'), NO_COLOR: '1', ...env },
    cwd: project,
  });
  const code = await runSafely(io, () => runWorkflowCommand(args, io));
  return { code, out: io.out(), err: io.err() };
}

const pagesOf = (graph: string) => readdir(join(graph, 'pages')).then((f) => f.sort());
const day = () => new Date().toLocaleDateString('sv-SE').replace(/-/g, '_');

describe('tta workflow run --journal, resume, note, journal', () => {
  it('journals a run as it goes, records notes, and rewrites without duplicating', async () => {
    const started = await tta(['run', 'notes', '--run-id', 'r1', '--journal']);
    expect(started.code, started.err).toBe(0);
    expect(started.err).toContain(`Journal of r1: ${join(project, '.tta', 'logseq')}`);
    const graph = join(project, '.tta', 'logseq');
    const date = day().replace(/_/g, '-');
    expect(await pagesOf(graph)).toEqual([
      `TTA___Runs___notes___${date} r1.md`,
      `TTA___Runs___notes___${date} r1___draft.md`,
    ]);
    const runFile = join(graph, 'pages', `TTA___Runs___notes___${date} r1.md`);
    expect(await readFile(runFile, 'utf8')).toContain('status:: suspended');
    expect(await readFile(join(graph, 'journals', `${day()}.md`), 'utf8')).toContain(
      `[[TTA/Runs/notes/${date} r1]] notes waiting for a step`,
    );

    expect((await tta(['complete', 'r1', 'notes', '--output', '"## 2.0.0\\n- Faster"'])).code).toBe(
      0,
    );
    const resumed = await tta(['resume', 'r1'], { TTA_JOURNAL: 'graph' });
    expect(resumed.code, resumed.err).toBe(0);
    expect(await readFile(runFile, 'utf8')).toContain('status:: completed');
    const notesFile = join(graph, 'pages', `TTA___Runs___notes___${date} r1___Release notes.md`);
    expect(await readFile(notesFile, 'utf8')).toMatch(
      /^title:: TTA\/Runs\/notes\/.* r1\/Release notes\n/,
    );
    expect(await readFile(notesFile, 'utf8')).toContain('- ## 2.0.0');

    const noted = await tta([
      'note',
      'r1',
      '--decision',
      'Ship on Monday',
      '--stage',
      'draft',
      '--by',
      'ana',
    ]);
    expect(noted.code, noted.err).toBe(0);
    expect(noted.out).toContain('decision recorded in r1 (stage draft)');
    const learnt = await tta(['note', 'r1', '--learning', 'Notes take a day', '--json']);
    expect(JSON.parse(learnt.out)).toMatchObject({
      type: 'learning',
      text: 'Notes take a day',
      runId: 'r1',
    });

    const written = await tta(['journal', 'r1', '--json']);
    expect(written.code, written.err).toBe(0);
    const report = JSON.parse(written.out);
    expect(report).toMatchObject({ runId: 'r1', target: 'graph', where: graph, journal: date });
    expect(report.pages).toHaveLength(3);
    expect(report.files).toEqual([
      join('pages', `TTA___Runs___notes___${date} r1.md`),
      join('pages', `TTA___Runs___notes___${date} r1___draft.md`),
    ]);
    const stagePage = await readFile(
      join(graph, 'pages', `TTA___Runs___notes___${date} r1___draft.md`),
      'utf8',
    );
    expect(stagePage).toContain('- #decision Ship on Monday\n  id:: ');
    expect(stagePage).toContain('  by:: ana');
    expect(await readFile(runFile, 'utf8')).toContain('- #learning Notes take a day');

    const again = await tta(['journal', 'r1']);
    expect(again.code).toBe(0);
    expect(again.out).toContain('(no file changed)');
    const other = join(root, 'other-graph');
    const elsewhere = await tta(['journal', 'r1', '--prefix', 'Work'], {
      LOGSEQ_GRAPH_PATH: other,
    });
    expect(elsewhere.code, elsewhere.err).toBe(0);
    expect(await pagesOf(other)).toContain(`Work___Runs___notes___${date} r1.md`);
    for (const text of await Promise.all(
      (await pagesOf(graph)).map((f) => readFile(join(graph, 'pages', f), 'utf8')),
    )) {
      const ids = [...text.matchAll(/id:: (\S+)/g)].map((m) => m[1]);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it('refuses bad input with exit 2', async () => {
    expect((await tta(['run', 'notes', '--run-id', 'r2'])).code).toBe(0);
    const cases: [string[], Record<string, string>, string][] = [
      [['journal'], {}, 'expected one run id'],
      [['journal', 'nope'], {}, 'no run "nope"'],
      [['journal', 'r2', '--graph', 'g', '--api'], {}, 'give --graph or --api, not both'],
      [['journal', 'r2', '--prefix', 'a[b'], {}, 'cannot be part of a page name'],
      [['note', 'r2'], {}, 'give --decision TEXT or --learning TEXT'],
      [['note', 'r2', '--decision', 'a', '--learning', 'b'], {}, 'one of them'],
      [['note', 'r2', '--decision', '  '], {}, '--decision needs some text'],
      [
        ['note', 'r2', '--learning', 'x', '--stage', 'ship'],
        {},
        'has no stage "ship"; its stages so far: draft',
      ],
      [['note', 'nope', '--learning', 'x'], {}, 'no run "nope"'],
      [['resume', 'r2', '--journal=paper'], {}, '--journal: expected graph or api, got "paper"'],
      [['resume', 'r2'], { TTA_JOURNAL: 'paper' }, 'TTA_JOURNAL: expected graph or api'],
    ];
    for (const [args, env, message] of cases) {
      const result = await tta(args, env);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.err, args.join(' ')).toContain(message);
    }
    await mkdir(join(root, 'bad', 'logseq'), { recursive: true });
    await writeFile(join(root, 'bad', 'logseq', 'config.edn'), '{:pages-directory 42}');
    const bad = await tta(['journal', 'r2', '--graph', join(root, 'bad')]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('config.edn:1: :pages-directory must be a non-empty string');
  });

  it.each(['0.10.15', '2.0.1'] as const)(
    '--api: writes the run into Logseq %s through its HTTP API',
    async (version) => {
      expect((await tta(['run', 'notes', '--run-id', 'r4'])).code).toBe(0);
      const host = emulateLogseq(version);
      const server = await serveLogseqApi(host, { tokens: ['t0ken'] });
      try {
        const done = await tta(['journal', 'r4', '--api', '--json'], {
          LOGSEQ_API_URL: server.url,
          LOGSEQ_API_TOKEN: 't0ken',
        });
        expect(done.code, done.err).toBe(0);
      } finally {
        await server.close();
      }
      const titles = host.pages().map((p) => p.title);
      expect(titles.some((t) => t.endsWith(' r4'))).toBe(true);
      expect(host.pages().some((p) => p.journalDay !== undefined)).toBe(true);
    },
  );

  it('--api: says when Logseq is not listening (1) and when it refuses the token (2)', async () => {
    expect((await tta(['run', 'notes', '--run-id', 'r3'])).code).toBe(0);
    const server: Server = createServer((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ statusCode: 401, error: 'Unauthorized', message: 'Access Denied!' }),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const refused = await tta(['journal', 'r3', '--api'], {
      LOGSEQ_API_URL: url,
      LOGSEQ_API_TOKEN: 'x',
    });
    await new Promise((r) => server.close(r));
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('refused the token (401 Access Denied!)');
    const closed = await tta(['journal', 'r3', '--api'], { LOGSEQ_API_URL: url });
    expect(closed.code).toBe(1);
    expect(closed.err).toContain('is unreachable');
    const auto = await tta(['resume', 'r3', '--journal=api'], { LOGSEQ_API_URL: url });
    expect(auto.code).toBe(0);
    expect(auto.err).toContain('the journal of r3 was not written to Logseq at');
  });

  it('explains itself with --help', async () => {
    for (const command of ['journal', 'note']) {
      const help = await tta([command, '--help']);
      expect(help.code).toBe(0);
      expect(help.out).toContain(`Usage: tta workflow ${command} <run>`);
    }
    expect((await tta(['--help'])).out).toContain('journal <run> [--api]');
    expect((await tta(['run', '--help'])).out).toContain('--journal[=graph|api]');
  });
});
