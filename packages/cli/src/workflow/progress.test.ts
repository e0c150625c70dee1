import type { RunEvent } from '@tta-dev/workflows';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../io.testkit.js';
import { progressPrinter } from './progress.js';
import { Spinner } from './spinner.js';

const envelope = (seq: number) => ({ seq, time: '2026-11-25T10:00:00.000Z', runId: 'r1' });
const events: RunEvent[] = [
  {
    ...envelope(1),
    type: 'run_started',
    workflow: 'wf',
    inputs: {},
    personas: ['tta-backend-engineer'],
  },
  { ...envelope(2), type: 'stage_started', stage: 'build', persona: 'tta-backend-engineer' },
  {
    ...envelope(3),
    type: 'step_started',
    stage: 'build',
    step: 'compile',
    kind: 'run',
    attempt: 1,
  },
  {
    ...envelope(4),
    type: 'step_succeeded',
    stage: 'build',
    step: 'compile',
    output: null,
    durationMs: 12,
    automated: true,
  },
  {
    ...envelope(5),
    type: 'gate_passed',
    stage: 'build',
    gate: 'types',
    reason: 'exit 0',
    metrics: {},
  },
];

describe('progressPrinter', () => {
  it('prints one plain line per event when stderr is not a terminal', () => {
    const io = captureIo();
    const print = progressPrinter(io, false);
    for (const event of events) print(event);
    expect(io.err()).toBe(
      'wf run r1\n▶ build (tta-backend-engineer)\n  ✓ compile 12 ms\n  ◆ gate types: exit 0\n',
    );
    expect(io.err()).not.toContain('\r');
  });

  it('shows the step at work on a spinner line on a terminal, and clears it when the step ends', () => {
    const io = captureIo({ tty: true, env: { NO_COLOR: '1' } });
    const print = progressPrinter(io, false);
    for (const event of events.slice(0, 3)) print(event);
    expect(io.err()).toContain('\r\u001b[2K⠙ build › compile (backend-engineer) 0.0 s');
    for (const event of events.slice(3)) print(event);
    const after = io.err().slice(io.err().lastIndexOf('compile (backend-engineer)'));
    // The line is cleared before the result is printed, and not drawn again.
    expect(after).toBe(
      'compile (backend-engineer) 0.0 s\r\u001b[2K  ✓ compile 12 ms\n  ◆ gate types: exit 0\n',
    );
    expect(io.err().endsWith('  ◆ gate types: exit 0\n')).toBe(true);
  });

  it('writes JSON lines on stdout with --json', () => {
    const io = captureIo({ tty: true });
    const print = progressPrinter(io, true);
    for (const event of events) print(event);
    expect(
      io
        .out()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual(events);
    expect(io.err()).toBe('');
  });
});

describe('Spinner', () => {
  it('redraws with the elapsed time and keeps printed lines above it', () => {
    let now = 0;
    let out = '';
    const spinner = new Spinner({ write: (t) => (out += t) }, 1_000_000, () => now);
    spinner.start('stage › step');
    now = 2500;
    spinner.print('a line');
    expect(out).toBe(
      '\r\u001b[2K⠙ stage › step 0.0 s\r\u001b[2Ka line\n\r\u001b[2K⠹ stage › step 2.5 s',
    );
    spinner.stop();
    expect(out.endsWith('\r\u001b[2K')).toBe(true);
  });
});
