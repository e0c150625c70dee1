import type { RunEvent } from '@tta-dev/workflows/runs';
import { colors, eprintln, type Io } from '../Io.js';
import { formatMetrics } from './formatMetrics.js';
import { formatDuration } from './report/formatDuration.js';
import { Spinner } from './spinner.js';

/**
 * Prints run events as they happen: to stderr for people — with a spinner line showing the step
 * at work when stderr is a terminal — or as JSON lines on stdout (--json).
 */
export function progressPrinter(io: Io, json: boolean): (event: RunEvent) => void {
  if (json) return (event) => io.stdout.write(`${JSON.stringify(event)}\n`);
  const line = eventLine(io);
  if (io.stderr.isTTY !== true)
    return (event) => {
      const text = line(event);
      if (text !== undefined) eprintln(io, text);
    };
  const spinner = new Spinner(io.stderr);
  let persona = '';
  return (event) => {
    if (ENDS_WORK.has(event.type)) spinner.stop();
    const text = line(event);
    if (text !== undefined) spinner.print(text);
    if (event.type === 'stage_started') persona = event.persona.replace(/^tta-/, '');
    if (event.type === 'step_started') spinner.start(`${event.stage} › ${event.step} (${persona})`);
  };
}

/** Events after which nothing runs until the next step starts. */
const ENDS_WORK = new Set<RunEvent['type']>([
  'step_succeeded',
  'step_skipped',
  'step_failed',
  'step_suspended',
  'run_completed',
  'run_failed',
  'run_cancelled',
]);

/**
 * The line a person reads for an event, or undefined for events shown otherwise; coloured when
 * `out`, where it goes, is a terminal.
 */
export function eventLine(io: Io, out = io.stderr): (event: RunEvent) => string | undefined {
  const c = colors(io, out);
  return (event) => {
    switch (event.type) {
      case 'run_started':
        return `${c.bold(event.workflow)} ${c.dim(`run ${event.runId}`)}`;
      case 'persona_switched':
        return c.cyan(`⇄ persona ${event.from ?? 'none'} → ${event.to ?? 'none'}`);
      case 'stage_started':
        return `${c.bold(`▶ ${event.stage}`)} ${c.dim(`(${event.persona})`)}`;
      case 'run_resumed':
        return c.dim(`resumed by ${event.by}`);
      case 'run_rewound':
        return c.cyan(
          `↺ from ${event.from}: ${event.steps.length > 0 ? event.steps.join(', ') : 'the gates'} run again`,
        );
      case 'step_succeeded':
        return `  ${c.green('✓')} ${event.step} ${c.dim(formatDuration(event.durationMs))}`;
      case 'step_skipped':
        return `  ${c.dim(`– ${event.step} skipped (when ${event.when})`)}`;
      case 'step_failed':
        return `  ${c.red('✗')} ${event.step} ${c.dim(`attempt ${event.attempt}`)}: ${event.error.message.split('\n')[0]}`;
      case 'step_suspended':
        return `  ${c.yellow('⏸')} ${event.step} waits for an assistant or a person:\n${indent(event.instructions)}`;
      case 'step_completed':
        return `  ${c.green('✓')} ${event.step} ${c.dim(`completed by ${event.by}`)}`;
      case 'gate_passed':
        return `  ${c.green('◆')} gate ${event.gate}: ${event.reason}`;
      case 'gate_failed':
        return `  ${c.red('◆')} gate ${event.gate} FAILED: ${event.reason}`;
      case 'decision':
      case 'learning':
        return `  ${c.dim(`${event.type}:`)} ${event.text}`;
      case 'run_completed':
        return `${c.green('✓ completed')} ${c.dim(formatMetrics(event.metrics))}`;
      case 'run_failed':
        return `${c.red('✗ failed')}${event.step ? ` at ${event.step}` : ''}: ${event.error.message}`;
      default:
        return undefined;
    }
  };
}

const indent = (text: string) =>
  text
    .trimEnd()
    .split('\n')
    .map((l) => `      ${l}`)
    .join('\n');
