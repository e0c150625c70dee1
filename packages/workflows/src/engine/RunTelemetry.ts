import {
  type Attributes,
  type Context,
  type Counter,
  context,
  type Histogram,
  metrics,
  ROOT_CONTEXT,
  type Span,
  SpanStatusCode,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import type { Step } from '../definition/WorkflowSchema.js';
import type { RunEvent, RunEventOf, TraceRef } from '../runs/RunEvent.js';
import type { RunStatus, StepOutcome as RunStepOutcome } from '../runs/RunState.js';

/** Instrumentation scope of the engine's spans and metrics. */
export const WORKFLOWS_SCOPE = '@tta-dev/workflows';

/** How a step span ended (`tta.step.outcome`), in the fold's words. */
type StepOutcome = Extract<
  RunStepOutcome,
  'succeeded' | 'failed' | 'skipped' | 'waiting' | 'interrupted'
>;
/** How a stage span ended in this drive: `tta.stage.outcome`. */
type StageOutcome = 'completed' | 'gate_failed' | 'failed' | 'suspended' | 'interrupted';

interface Instruments {
  readonly runs: Counter;
  readonly stageDuration: Histogram;
  readonly steps: Counter;
  readonly retries: Counter;
  readonly gates: Counter;
  readonly tokens: Counter;
}

interface OpenStage {
  readonly id: string;
  readonly persona: string;
  readonly span: Span;
  readonly context: Context;
  readonly startedAt: number;
  tokens: number;
}

interface OpenStep {
  readonly id: string;
  readonly kind: string;
  readonly span: Span;
  attempts: number;
  /** Set when the step's work resolved; the span ends when `step_succeeded` is stored. */
  succeeded: boolean;
}

/** One drive of a run (its start, or one resume) as telemetry sees it. */
interface Drive {
  readonly workflow: string;
  readonly span: Span;
  readonly context: Context;
  readonly instruments: Instruments;
  stage: OpenStage | undefined;
  step: OpenStep | undefined;
}

const tracer = () => trace.getTracer(WORKFLOWS_SCOPE);

function createInstruments(): Instruments {
  const meter = metrics.getMeter(WORKFLOWS_SCOPE);
  return {
    runs: meter.createCounter('tta.workflow.runs', {
      description: 'Drives of workflow runs (a start or a resume), by the status they ended in',
      unit: '{run}',
    }),
    stageDuration: meter.createHistogram('tta.workflow.stage.duration', {
      description: 'Time a stage ran in one drive, by persona and outcome',
      unit: 's',
    }),
    steps: meter.createCounter('tta.workflow.steps', {
      description: 'Steps run, by kind and outcome (failed: after every retry and fallback)',
      unit: '{step}',
    }),
    retries: meter.createCounter('tta.workflow.step.retries', {
      description: 'Attempts of steps beyond their first',
      unit: '{attempt}',
    }),
    gates: meter.createCounter('tta.workflow.gate.results', {
      description: 'Quality gates of workflow stages checked, by gate and verdict',
      unit: '{check}',
    }),
    tokens: meter.createCounter('tta.workflow.tokens', {
      description: 'Tokens recorded by runs (instructions delivered, tool results), by persona',
      unit: '{token}',
    }),
  };
}

/**
 * The OpenTelemetry view of workflow runs, through `@opentelemetry/api` only: one trace per run,
 * `tta.workflow.run` → `tta.workflow.stage` → `tta.workflow.step` → the spans of the core
 * primitives a step runs on; a resumed run continues the recorded trace under a
 * `tta.workflow.resume` span. Gate verdicts and persona switches are span events, and the
 * engine's metrics are recorded here. It hangs on the run's events (`observe`), so the engine
 * only calls it where it starts a drive, records `run_started` and runs a step's work.
 * Without a registered SDK every call is a no-op on the API's non-recording spans.
 */
export class RunTelemetry {
  private readonly drives = new Map<string, Drive>();

  /**
   * Runs one drive of a run inside its span: for a new run (`started` undefined) the root span of
   * a new trace, for a resumed one a span under the run span that `started.trace` recorded.
   */
  async drive<T extends { readonly status: RunStatus }>(
    runId: string,
    workflow: string,
    started: RunEventOf<'run_started'> | undefined,
    work: () => Promise<T>,
  ): Promise<T> {
    const parent =
      started?.trace === undefined
        ? ROOT_CONTEXT
        : trace.setSpanContext(ROOT_CONTEXT, {
            traceId: started.trace.traceId,
            spanId: started.trace.spanId,
            traceFlags: TraceFlags.SAMPLED,
            isRemote: true,
          });
    const span = tracer().startSpan(
      started === undefined ? 'tta.workflow.run' : 'tta.workflow.resume',
      { attributes: { 'tta.workflow.name': workflow, 'tta.run.id': runId } },
      parent,
    );
    const drive: Drive = {
      workflow,
      span,
      context: trace.setSpan(parent, span),
      instruments: createInstruments(),
      stage: undefined,
      step: undefined,
    };
    this.drives.set(runId, drive);
    let status: RunStatus | 'error' = 'running';
    try {
      const result = await context.with(drive.context, work);
      status = result.status;
      return result;
    } catch (error) {
      status = 'error';
      recordError(span, error);
      throw error;
    } finally {
      this.drives.delete(runId);
      this.endStep(drive, 'interrupted');
      this.endStage(drive, status === 'suspended' ? 'suspended' : 'interrupted');
      span.setAttribute('tta.run.status', status);
      if (status === 'failed' || status === 'gate_failed' || status === 'cancelled')
        span.setStatus({ code: SpanStatusCode.ERROR, message: `run ${status}` });
      span.end();
      drive.instruments.runs.add(1, { 'tta.workflow.name': workflow, 'tta.run.status': status });
    }
  }

  /** The `trace` field of `run_started`: the run span's ids, when a trace is being recorded. */
  traceField(runId: string): { trace?: TraceRef } {
    const span = this.drives.get(runId)?.span;
    if (span === undefined || !span.isRecording()) return {};
    const { traceId, spanId } = span.spanContext();
    return { trace: { traceId, spanId } };
  }

  /**
   * Runs a step's work (its retries, timeout and fallbacks included) inside the step's span, so
   * that the spans of the primitives it runs on are the step span's children.
   */
  async inStep<T>(runId: string, step: Pick<Step, 'id' | 'kind'>, work: () => Promise<T>) {
    const drive = this.drives.get(runId);
    if (drive === undefined) return work();
    this.endStep(drive, 'interrupted');
    const parent = drive.stage?.context ?? drive.context;
    const span = tracer().startSpan(
      'tta.workflow.step',
      { attributes: { ...this.stepAttributes(runId, drive, step.id), 'tta.step.kind': step.kind } },
      parent,
    );
    const open: OpenStep = { id: step.id, kind: step.kind, span, attempts: 0, succeeded: false };
    drive.step = open;
    try {
      const value = await context.with(trace.setSpan(parent, span), work);
      open.succeeded = true;
      return value;
    } catch (error) {
      recordError(span, error);
      if (drive.step === open) this.endStep(drive, 'failed');
      throw error;
    }
  }

  /** Follows a stored event of a run being driven; events of other runs are ignored. */
  observe(event: RunEvent): void {
    const drive = this.drives.get(event.runId);
    if (drive === undefined) return;
    const tokens = 'tokens' in event && typeof event.tokens === 'number' ? event.tokens : 0;
    switch (event.type) {
      case 'persona_switched':
        drive.span.addEvent('tta.persona.switched', {
          'tta.persona.from': event.from ?? 'none',
          'tta.persona.to': event.to ?? 'none',
        });
        break;
      case 'stage_started': {
        this.endStage(drive, 'interrupted');
        const span = tracer().startSpan(
          'tta.workflow.stage',
          {
            attributes: {
              'tta.workflow.name': drive.workflow,
              'tta.run.id': event.runId,
              'tta.stage.id': event.stage,
              'tta.persona': event.persona,
            },
          },
          drive.context,
        );
        drive.stage = {
          id: event.stage,
          persona: event.persona,
          span,
          context: trace.setSpan(drive.context, span),
          startedAt: Date.now(),
          tokens: 0,
        };
        break;
      }
      case 'step_started':
        if (drive.step?.id === event.step) {
          drive.step.attempts = event.attempt;
          drive.step.span.setAttribute('tta.step.attempts', event.attempt);
        }
        if (event.attempt > 1)
          drive.instruments.retries.add(1, {
            'tta.workflow.name': drive.workflow,
            'tta.step.kind': event.kind,
          });
        break;
      case 'step_failed':
        (drive.step?.id === event.step ? drive.step.span : drive.span).addEvent('exception', {
          'exception.type': event.error.name,
          'exception.message': event.error.message,
          'tta.step.attempt': event.attempt,
        });
        break;
      case 'step_succeeded': {
        const open = drive.step?.id === event.step && drive.step.succeeded ? drive.step : undefined;
        if (open === undefined) this.instantStep(drive, event, 'succeeded', tokens);
        else {
          if (tokens > 0) open.span.setAttribute('tta.tokens', tokens);
          this.endStep(drive, 'succeeded');
        }
        break;
      }
      case 'step_skipped':
        this.instantStep(drive, event, 'skipped', tokens);
        break;
      case 'step_suspended':
        this.instantStep(drive, event, 'waiting', tokens, 'agent');
        break;
      case 'gate_passed':
      case 'gate_failed': {
        const passed = event.type === 'gate_passed';
        const attributes: Attributes = {
          'tta.gate.name': event.gate,
          'tta.gate.passed': passed,
          'tta.gate.reason': event.reason,
        };
        for (const [name, value] of Object.entries(event.metrics))
          attributes[`tta.gate.metric.${name}`] = value;
        (drive.stage?.span ?? drive.span).addEvent('tta.gate.result', attributes);
        drive.instruments.gates.add(1, {
          'tta.workflow.name': drive.workflow,
          'tta.gate.name': event.gate,
          'tta.gate.passed': passed,
        });
        if (!passed) {
          drive.stage?.span.setStatus({ code: SpanStatusCode.ERROR, message: event.reason });
          this.endStage(drive, 'gate_failed');
        }
        break;
      }
      case 'stage_completed':
        if (drive.stage?.id === event.stage) this.endStage(drive, 'completed');
        break;
      case 'run_failed':
        if (drive.stage !== undefined) {
          drive.stage.span.setStatus({ code: SpanStatusCode.ERROR, message: event.error.message });
          this.endStage(drive, 'failed');
        }
        break;
      default:
        break;
    }
    if (tokens > 0) {
      if (drive.stage !== undefined) drive.stage.tokens += tokens;
      drive.instruments.tokens.add(tokens, {
        'tta.workflow.name': drive.workflow,
        'tta.persona': drive.stage?.persona ?? 'none',
      });
    }
  }

  private stepAttributes(runId: string, drive: Drive, stepId: string): Attributes {
    return {
      'tta.workflow.name': drive.workflow,
      'tta.run.id': runId,
      'tta.step.id': stepId,
      ...(drive.stage === undefined
        ? {}
        : { 'tta.stage.id': drive.stage.id, 'tta.persona': drive.stage.persona }),
    };
  }

  /** A step that did no work in this drive (skipped, or suspended for an agent): a 0-length span. */
  private instantStep(
    drive: Drive,
    event: RunEventOf<'step_succeeded' | 'step_skipped' | 'step_suspended'>,
    outcome: StepOutcome,
    tokens: number,
    kind?: string,
  ): void {
    this.endStep(drive, 'interrupted');
    const span = tracer().startSpan(
      'tta.workflow.step',
      {
        attributes: {
          ...this.stepAttributes(event.runId, drive, event.step),
          ...(kind === undefined ? {} : { 'tta.step.kind': kind }),
          ...(tokens > 0 ? { 'tta.tokens': tokens } : {}),
        },
      },
      drive.stage?.context ?? drive.context,
    );
    drive.step = { id: event.step, kind: kind ?? 'unknown', span, attempts: 0, succeeded: false };
    this.endStep(drive, outcome);
  }

  private endStep(drive: Drive, outcome: StepOutcome): void {
    const open = drive.step;
    if (open === undefined) return;
    drive.step = undefined;
    const final = outcome === 'interrupted' && open.succeeded ? 'succeeded' : outcome;
    open.span.setAttribute('tta.step.outcome', final);
    open.span.end();
    drive.instruments.steps.add(1, {
      'tta.workflow.name': drive.workflow,
      'tta.step.kind': open.kind,
      'tta.step.outcome': final,
    });
  }

  private endStage(drive: Drive, outcome: StageOutcome): void {
    const open = drive.stage;
    if (open === undefined) return;
    this.endStep(drive, 'interrupted');
    drive.stage = undefined;
    open.span.setAttribute('tta.stage.outcome', outcome);
    if (open.tokens > 0) open.span.setAttribute('tta.tokens', open.tokens);
    open.span.end();
    drive.instruments.stageDuration.record((Date.now() - open.startedAt) / 1000, {
      'tta.workflow.name': drive.workflow,
      'tta.stage.id': open.id,
      'tta.persona': open.persona,
      'tta.stage.outcome': outcome,
    });
  }
}

function recordError(span: Span, error: unknown): void {
  if (error instanceof Error) span.recordException(error);
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : String(error),
  });
}
