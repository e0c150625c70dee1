import { trace } from '@opentelemetry/api';
import { GateFailedError } from './errors/GateFailedError.js';
import { instruments } from './instrumentation.js';
import { BasePrimitive } from './Primitive.js';
import type { WorkflowContext } from './WorkflowContext.js';

/** The verdict of a quality gate. */
export interface GateResult {
  readonly passed: boolean;
  /** Why it passed or failed, in words a person can act on. */
  readonly reason: string;
  /** What was measured, e.g. `{ coverage: 81.2, threshold: 80 }`. */
  readonly metrics?: Readonly<Record<string, number>>;
}

export type GateCheck<I> = (input: I, ctx: WorkflowContext) => GateResult | Promise<GateResult>;

/**
 * A quality gate: runs its check on the input; on a pass the input flows on unchanged, on a
 * failure a `GateFailedError` carrying the reason and metrics is raised. Either way a `gate`
 * event with the result is emitted, and the result is recorded on the gate's span.
 */
export class Gate<I> extends BasePrimitive<I, I> {
  readonly kind = 'gate' as const;

  constructor(
    name: string,
    private readonly check: GateCheck<I>,
  ) {
    super(name);
  }

  protected async execute(input: I, ctx: WorkflowContext): Promise<I> {
    const result = await this.check(input, ctx);
    const span = trace.getActiveSpan();
    if (span !== undefined) {
      span.setAttributes({ 'tta.gate.passed': result.passed, 'tta.gate.reason': result.reason });
      for (const [key, value] of Object.entries(result.metrics ?? {}))
        span.setAttribute(`tta.gate.metric.${key}`, value);
    }
    instruments()?.gateResults.add(1, {
      'tta.gate.name': this.name,
      'tta.gate.passed': result.passed,
    });
    ctx.emit({
      type: 'gate',
      primitive: this.name,
      data: { passed: result.passed, reason: result.reason, metrics: result.metrics ?? {} },
    });
    if (!result.passed) throw new GateFailedError(this.name, result);
    return input;
  }
}

/** A quality gate named `name` whose `check` decides whether the input may pass. */
export function gate<I>(name: string, check: GateCheck<I>): Gate<I> {
  return new Gate(name, check);
}
