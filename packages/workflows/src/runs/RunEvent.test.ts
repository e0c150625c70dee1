import { describe, expect, it } from 'vitest';
import {
  JsonValueSchema,
  RUN_EVENT_TYPES,
  type RunEventInput,
  RunEventInputSchema,
  RunEventSchema,
} from './RunEvent.js';

/** One valid example of every kind of event. */
const examples: readonly RunEventInput[] = [
  {
    type: 'run_started',
    workflow: 'package-release',
    inputs: { version: '1.2.0', dryRun: true, targets: ['npm'] },
    personas: ['backend', 'testing', 'devops'],
  },
  { type: 'stage_started', stage: 'version', persona: 'backend' },
  { type: 'persona_switched', from: null, to: 'backend' },
  { type: 'step_started', stage: 'version', step: 'changeset', kind: 'run', attempt: 1 },
  {
    type: 'step_succeeded',
    stage: 'version',
    step: 'changeset',
    output: { exitCode: 0, stdout: '' },
    durationMs: 812.5,
    automated: true,
  },
  {
    type: 'step_failed',
    stage: 'testing',
    step: 'unit',
    error: { name: 'TimeoutError', message: 'did not finish', code: 'TTA_TIMEOUT' },
    attempt: 2,
  },
  {
    type: 'step_suspended',
    stage: 'devops',
    step: 'notes',
    instructions: 'Write the release notes',
    expected: { type: 'markdown' },
  },
  {
    type: 'step_completed',
    stage: 'devops',
    step: 'notes',
    output: '## 1.2.0',
    note: 'reviewed',
    by: 'alice',
  },
  {
    type: 'gate_passed',
    stage: 'testing',
    gate: 'coverage',
    reason: '92% ≥ 80%',
    metrics: { lines: 92 },
  },
  {
    type: 'gate_failed',
    stage: 'testing',
    gate: 'coverage',
    reason: '71% < 80%',
    metrics: { lines: 71 },
  },
  { type: 'decision', stage: 'devops', text: 'Publish as next', by: 'claude-code' },
  { type: 'learning', text: 'Run the slow suite nightly', by: 'bob' },
  {
    type: 'journal_page',
    stage: 'devops',
    step: 'notes-page',
    title: 'Release notes',
    content: '## 1.2.0\n\n- Faster builds',
  },
  { type: 'stage_completed', stage: 'devops', durationMs: 0 },
  {
    type: 'run_completed',
    durationMs: 4_200,
    metrics: { automationRatio: 0.8, personaMs: { backend: 1_200, devops: 3_000 } },
  },
  { type: 'run_failed', error: { name: 'Error', message: 'boom' } },
  { type: 'run_cancelled', reason: 'superseded by run r2' },
  { type: 'run_resumed', by: 'laptop:4242' },
  { type: 'run_rewound', from: 'verify', stages: ['verify'], steps: ['tests'], by: 'laptop:4242' },
  { type: 'step_skipped', stage: 'build', step: 'docs', when: '${{ inputs.docs }}' },
  { type: 'run_queued', needs: ['deploy'], by: 'ci-1:77', reason: 'stage deploy runs on deploy' },
];
const envelope = { seq: 1, time: '2025-03-01T09:00:00.000Z', runId: 'r-1' };

describe('RunEvent schemas', () => {
  it('have one example here for every type of event', () => {
    expect(examples.map((e) => e.type).sort()).toEqual([...RUN_EVENT_TYPES].sort());
  });

  it.each(examples.map((e) => [e.type, e] as const))(
    'accept %s as input and, with the envelope, as stored, unchanged by a JSON round trip',
    (_type, example) => {
      expect(RunEventInputSchema.parse(example)).toEqual(example);
      const stored = { ...envelope, ...example };
      expect(RunEventSchema.parse(JSON.parse(JSON.stringify(stored)))).toEqual(stored);
    },
  );

  it.each<[string, Record<string, unknown>, string]>([
    ['no seq', { seq: undefined }, 'seq'],
    ['seq 0', { seq: 0 }, 'seq'],
    ['a fractional seq', { seq: 1.5 }, 'seq'],
    ['a time that is not ISO 8601', { time: 'yesterday' }, 'time'],
    ['a run id with a slash', { runId: 'a/b' }, 'runId'],
    ['an unknown key', { extra: 1 }, ''],
  ])('refuse a stored event with %s', (_what, change, path) => {
    const result = RunEventSchema.safeParse({ ...envelope, ...examples[1], ...change });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toContain(path);
  });

  it('refuse a payload that carries the envelope: the store assigns it', () => {
    expect(RunEventInputSchema.safeParse({ ...examples[1], seq: 7 }).success).toBe(false);
  });
});

describe('JsonValueSchema', () => {
  class Point {
    x = 1;
  }
  const cyclic: Record<string, unknown> = {};
  cyclic.again = { inner: cyclic };

  it.each<[string, unknown, string, RegExp]>([
    ['undefined in an object', { a: { b: undefined } }, 'a.b', /^undefined is not JSON/],
    ['NaN in an array', [1, Number.NaN], '1', /^NaN is not JSON/],
    ['Infinity', { n: Number.POSITIVE_INFINITY }, 'n', /^Infinity/],
    ['a Date', { at: new Date(0) }, 'at', /^a Date object/],
    ['a Map', { m: new Map() }, 'm', /^a Map object/],
    ['a class instance', { p: new Point() }, 'p', /^a Point object/],
    ['a function', { f: () => 1 }, 'f', /^function/],
    ['a bigint', { n: 1n }, 'n', /^bigint/],
    ['a cycle', cyclic, 'again.inner', /^a circular reference/],
  ])('refuses %s, naming where', (_what, value, path, message) => {
    const result = JsonValueSchema.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path.join('.')).toBe(path);
    expect(result.error?.issues[0]?.message).toMatch(message);
  });

  it.each<[string, unknown]>([
    ['nested values', { a: [1, 'x', null, true, { b: [] }] }],
    ['a bare string', 'text'],
    ['null', null],
    ['an object without prototype', Object.assign(Object.create(null), { a: 1 })],
    [
      'the same object twice (not a cycle)',
      (() => {
        const shared = { n: 1 };
        return { a: shared, b: [shared] };
      })(),
    ],
  ])('accepts %s', (_what, value) => {
    expect(JsonValueSchema.safeParse(value).success).toBe(true);
  });
});
