// Test-only: a project folder with small workflows, and the spans of a trace file as a tree.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SpanRecord } from './JsonLinesSpanExporter.js';

/** Two stages under two personas: a retried step, a skipped one, a gate. */
export const MINI_WORKFLOW = `name: mini
description: A small traced workflow.
stages:
  - id: build
    title: Build
    persona: backend
    steps:
      - id: flaky
        run: test -f attempted || { touch attempted; exit 3; }
        retry: { maxRetries: 2, backoff: constant, initialDelayMs: 1 }
      - id: optional
        run: echo never
        when: \${{ false }}
  - id: verify
    title: Verify
    persona: testing
    steps:
      - id: coverage
        run: echo "Lines 91.5%"
    gates:
      - id: coverage-ok
        value: "\${{ steps.coverage.output.stdout }}"
        min: 80
`;

/** One step that sleeps, to be interrupted. */
export const SLOW_WORKFLOW = `name: slow
description: Waits.
stages:
  - id: wait
    title: Wait
    persona: backend
    steps:
      - id: sleep
        run: sleep 30
`;

export interface Project {
  readonly root: string;
  readonly dir: string;
  readonly home: string;
  readonly env: Record<string, string>;
  readonly close: () => Promise<void>;
}

export async function createProject(): Promise<Project> {
  const root = await mkdtemp(join(tmpdir(), 'tta-telemetry-'));
  const dir = join(root, 'project');
  await mkdir(join(dir, '.tta', 'workflows'), { recursive: true });
  await writeFile(join(dir, '.tta', 'workflows', 'mini.workflow.yaml'), MINI_WORKFLOW);
  await writeFile(join(dir, '.tta', 'workflows', 'slow.workflow.yaml'), SLOW_WORKFLOW);
  const home = join(root, 'home');
  return {
    root,
    dir,
    home,
    env: { PATH: process.env.PATH ?? '', TTA_HOME: home, NO_COLOR: '1' },
    close: () => rm(root, { recursive: true, force: true }),
  };
}

/** The spans of a trace file. */
export async function readSpans(file: string): Promise<SpanRecord[]> {
  const text = await readFile(file, 'utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as SpanRecord);
}

/** Spans as an indented outline (name and the attribute that says which), children by start. */
export function outline(spans: readonly SpanRecord[], parent: string | null = null, depth = 0) {
  const lines: string[] = [];
  const children = spans
    .filter((s) => s.parentSpanId === parent)
    .sort((a, b) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1));
  for (const span of children) {
    const which =
      span.attributes['tta.step.id'] ??
      span.attributes['tta.stage.id'] ??
      span.attributes['tta.primitive.name'] ??
      span.attributes['tta.run.id'] ??
      '';
    lines.push(`${'  '.repeat(depth)}${span.name} ${String(which)}`.trimEnd());
    lines.push(...outline(spans, span.spanId, depth + 1));
  }
  return lines;
}

/** Spans whose parent is not in the file. */
export const orphans = (spans: readonly SpanRecord[]) => {
  const ids = new Set(spans.map((s) => s.spanId));
  return spans.filter((s) => s.parentSpanId !== null && !ids.has(s.parentSpanId));
};
