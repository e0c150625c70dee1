import type { GateResult } from '@tta-dev/core';
import type { Gate } from '../definition/WorkflowSchema.js';
import type { ExpressionScope } from '../expressions/evaluate.js';
import { renderTemplate } from '../expressions/template.js';
import { runCommand } from './runCommand.js';

export interface GateContext {
  readonly scope: ExpressionScope;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly signal?: AbortSignal;
}

/**
 * Decides a quality gate: a command passes on its expected exit code; a value passes within
 * `min`/`max` (each a number or an expression); an expression passes when true. The result says
 * why, with what was measured.
 */
export async function evaluateGate(gate: Gate, context: GateContext): Promise<GateResult> {
  if (gate.when !== undefined && !renderTemplate(gate.when, context.scope)) {
    return { passed: true, reason: `not checked: ${gate.when.trim()} is false`, metrics: {} };
  }
  if ('command' in gate) {
    const command = String(renderTemplate(gate.command, context.scope));
    const result = await runCommand(command, {
      cwd: gate.cwd === undefined ? context.cwd : String(renderTemplate(gate.cwd, context.scope)),
      env: context.env,
      ...(context.signal === undefined ? {} : { signal: context.signal }),
    });
    const passed = result.exitCode === gate.expectExitCode;
    const tail = (result.stderr || result.stdout).split('\n').slice(-3).join(' ').trim();
    return {
      passed,
      reason: `\`${command}\` exited ${result.exitCode}${passed ? '' : ` (expected ${gate.expectExitCode})${tail ? `: ${tail}` : ''}`}`,
      metrics: { exitCode: result.exitCode },
    };
  }
  if ('value' in gate) {
    const value = toNumber(renderTemplate(gate.value, context.scope));
    const bound = (b: number | string | undefined) =>
      b === undefined
        ? undefined
        : toNumber(typeof b === 'number' ? b : renderTemplate(b, context.scope));
    const min = bound(gate.min);
    const max = bound(gate.max);
    const metrics: Record<string, number> = {};
    if (value !== undefined) metrics.value = value;
    if (min !== undefined) metrics.min = min;
    if (max !== undefined) metrics.max = max;
    if (value === undefined)
      return { passed: false, reason: `${gate.value} is not a number`, metrics };
    const low = min !== undefined && value < min;
    const high = max !== undefined && value > max;
    const range = `${min === undefined ? '' : `≥ ${min}`}${min !== undefined && max !== undefined ? ' and ' : ''}${max === undefined ? '' : `≤ ${max}`}`;
    return {
      passed: !low && !high,
      reason: `${value} ${low || high ? 'is not' : 'is'} ${range}`,
      metrics,
    };
  }
  const verdict = renderTemplate(gate.expression, context.scope);
  return {
    passed: Boolean(verdict),
    reason: `${gate.expression.trim()} is ${verdict ? 'true' : 'false'}`,
    metrics: {},
  };
}

/** A number from a number or a numeric string (the last number in the text: "Lines: 86.4%" → 86.4). */
function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const numbers = value.match(/-?\d+(\.\d+)?/g);
  return numbers === null ? undefined : Number(numbers[numbers.length - 1]);
}
