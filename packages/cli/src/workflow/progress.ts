import type { RunEvent } from '@tta-dev/workflows';
import { colors, eprintln, type Io } from '../Io.js';

/** Prints run events as they happen: to stderr for people, or as JSON lines on stdout (--json). */
export function progressPrinter(io: Io, json: boolean): (event: RunEvent) => void {
  if (json) return (event) => io.stdout.write(`${JSON.stringify(event)}\n`);
  const c = colors(io, io.stderr);
  return (event) => {
    switch (event.type) {
      case 'run_started':
        return eprintln(io, `${c.bold(event.workflow)} ${c.dim(`run ${event.runId}`)}`);
      case 'persona_switched':
        return eprintln(io, c.cyan(`⇄ persona ${event.from ?? 'none'} → ${event.to ?? 'none'}`));
      case 'stage_started':
        return eprintln(io, `${c.bold(`▶ ${event.stage}`)} ${c.dim(`(${event.persona})`)}`);
      case 'step_succeeded':
        return eprintln(io, `  ${c.green('✓')} ${event.step} ${c.dim(`${event.durationMs} ms`)}`);
      case 'step_failed':
        return eprintln(
          io,
          `  ${c.red('✗')} ${event.step} ${c.dim(`attempt ${event.attempt}`)}: ${event.error.message.split('\n')[0]}`,
        );
      case 'step_suspended':
        return eprintln(
          io,
          `  ${c.yellow('⏸')} ${event.step} waits for an assistant or a person:\n${indent(event.instructions)}`,
        );
      case 'step_completed':
        return eprintln(io, `  ${c.green('✓')} ${event.step} ${c.dim(`completed by ${event.by}`)}`);
      case 'gate_passed':
        return eprintln(io, `  ${c.green('◆')} gate ${event.gate}: ${event.reason}`);
      case 'gate_failed':
        return eprintln(io, `  ${c.red('◆')} gate ${event.gate} FAILED: ${event.reason}`);
      case 'decision':
      case 'learning':
        return eprintln(io, `  ${c.dim(`${event.type}:`)} ${event.text}`);
      case 'run_completed':
        return eprintln(
          io,
          `${c.green('✓ completed')} ${c.dim(`in ${event.durationMs} ms`)} ${c.dim(JSON.stringify(event.metrics))}`,
        );
      case 'run_failed':
        return eprintln(
          io,
          `${c.red('✗ failed')}${event.step ? ` at ${event.step}` : ''}: ${event.error.message}`,
        );
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
