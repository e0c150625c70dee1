import { hostname } from 'node:os';
import {
  step as coreStep,
  createContext,
  fallback,
  type Primitive,
  retry,
  timeout,
} from '@tta-dev/core';
import type { PersonaRegistry, PersonaStore } from '@tta-dev/personas';
import type { Stage, Step, WorkflowDefinition } from '../definition/WorkflowSchema.js';
import type { ExpressionScope } from '../expressions/evaluate.js';
import { renderDeep, renderTemplate } from '../expressions/template.js';
import { RunBusyError } from '../runs/errors/RunBusyError.js';
import { RunNotFoundError } from '../runs/errors/RunNotFoundError.js';
import { StepNotWaitingError } from '../runs/errors/StepNotWaitingError.js';
import type { JsonValue, RunEvent, RunEventInput } from '../runs/RunEvent.js';
import type { Lease, RunStore } from '../runs/RunStore.js';
import { isSecretKey } from '../runs/redactSecrets.js';
import { type RunStatus, runStatus } from '../runs/runStatus.js';
import { withLease } from '../runs/withLease.js';
import { countTokensOf } from './countTokens.js';
import { evaluateGate } from './evaluateGate.js';
import { RunTelemetry } from './RunTelemetry.js';
import { resolveInputs } from './resolveInputs.js';
import { runCommand } from './runCommand.js';
import type { StepRunners } from './StepRunner.js';

export interface EngineOptions {
  store: RunStore;
  registry: PersonaRegistry;
  /** Switched at every stage boundary (so the gateway follows) and back at the end. */
  personaStore?: PersonaStore;
  /** Folder commands run in. */
  cwd: string;
  /** Environment of commands. Default: `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** The `project` scope of expressions (detected commands and facts). */
  project?: object;
  /**
   * Runners of the step kinds the engine does not run itself (`tool`, `code`, `promql`…), by
   * kind; the CLI gives integrations' runners. A step of a kind with no runner fails clearly.
   */
  runners?: StepRunners;
  /** Sees every event as it is stored, for progress views. */
  onEvent?: (event: RunEvent) => void;
  signal?: AbortSignal;
}

export interface RunResult {
  readonly runId: string;
  readonly status: RunStatus;
  readonly events: readonly RunEvent[];
}

/** What a run has done so far, rebuilt from its events (so a resumed run continues where it was). */
interface Progress {
  readonly outputs: Map<string, unknown>;
  /** The same outputs as the `steps` scope of expressions, kept up to date as they are added. */
  readonly steps: Record<string, { output: unknown }>;
  readonly memory: Record<string, unknown>;
  readonly completedStages: Set<string>;
  /** Stages entered before (a resumed run enters its stage again). */
  readonly startedStages: Set<string>;
  /** Time an unfinished stage was worked on by earlier drives (not the wait for a person). */
  readonly stageActiveMs: Map<string, number>;
  readonly started: Set<string>;
  /** Agent steps waiting to be completed, with their stage. */
  readonly suspended: Map<string, string>;
}

const toJson = (value: unknown): JsonValue =>
  value === undefined ? null : (JSON.parse(JSON.stringify(value)) as JsonValue);

/**
 * Runs workflow definitions durably: every transition is appended to the run store, each stage
 * runs under its persona, steps run on the core primitives (retry, timeout), gates stop the run
 * when they fail, `agent` steps suspend it until completed from outside, and `resume` continues a
 * run from its events without running a completed step again.
 */
export class WorkflowEngine {
  /** Spans and metrics of the runs this engine drives (no-ops without an OpenTelemetry SDK). */
  private readonly telemetry = new RunTelemetry();

  constructor(private readonly options: EngineOptions) {}

  /** Starts a new run; resolves when it completes, suspends, or stops at a gate or failure. */
  async start(
    workflow: WorkflowDefinition,
    inputs: Record<string, unknown> = {},
    runId = newRunId(workflow.name),
  ): Promise<RunResult> {
    const resolved = resolveInputs(workflow, inputs);
    const lease = await this.lease(runId);
    return withLease(lease, () =>
      this.telemetry.drive(runId, workflow.name, undefined, async () => {
        await this.append(runId, {
          type: 'run_started',
          workflow: workflow.name,
          inputs: toJson(resolved) as Record<string, JsonValue>,
          personas: workflow.stages.map((s) => this.personaName(s.persona)),
          ...this.telemetry.traceField(runId),
        });
        return this.drive(runId, workflow, resolved, lease);
      }),
    );
  }

  /** Continues a run from its events: after a failure, a crash, or an agent step completed. */
  async resume(runId: string, workflow: WorkflowDefinition): Promise<RunResult> {
    const events = await this.options.store.read(runId);
    const started = events.find((e) => e.type === 'run_started');
    if (started === undefined || started.type !== 'run_started') throw new RunNotFoundError(runId);
    const status = runStatus(events);
    if (status === 'completed' || status === 'cancelled') return { runId, status, events };
    const lease = await this.lease(runId);
    return withLease(lease, () =>
      this.telemetry.drive(runId, started.workflow, started, () =>
        this.drive(runId, workflow, started.inputs, lease),
      ),
    );
  }

  /** Completes a suspended `agent` step with its output; `resume` then carries on. */
  async complete(
    runId: string,
    stepId: string,
    output: unknown,
    options: { note?: string; by?: string; tokens?: number } = {},
  ): Promise<RunEvent> {
    const { suspended } = replay(await this.options.store.read(runId));
    const stage = suspended.get(stepId);
    if (stage === undefined) throw new StepNotWaitingError(runId, stepId, [...suspended.keys()]);
    return this.append(runId, {
      type: 'step_completed',
      stage,
      step: stepId,
      output: toJson(output),
      ...(options.note === undefined ? {} : { note: options.note }),
      by: options.by ?? 'person',
      ...(options.tokens === undefined ? {} : { tokens: options.tokens }),
    });
  }

  private async drive(
    runId: string,
    workflow: WorkflowDefinition,
    inputs: Record<string, unknown>,
    lease: Lease,
  ): Promise<RunResult> {
    const events = await this.options.store.read(runId);
    const progress = replay(events);
    restoreMemory(workflow, progress);
    const started = Date.parse(events[0]?.time ?? new Date().toISOString());
    const currentPersona =
      (await this.options.personaStore?.active().catch(() => undefined))?.name ?? null;
    // The persona to return to is the one active before the run began (a resumed run too).
    const firstSwitch = events.find((e) => e.type === 'persona_switched');
    const previousPersona =
      firstSwitch?.type === 'persona_switched' ? firstSwitch.from : currentPersona;
    let activePersona = currentPersona;
    // So that `when` can see configuration (PROMETHEUS_URL); secrets stay out of expressions.
    const env = Object.fromEntries(
      Object.entries(this.env()).filter(([name]) => !isSecretKey(name)),
    );
    const scope = (): ExpressionScope => ({
      inputs,
      memory: progress.memory,
      steps: progress.steps,
      project: this.options.project ?? {},
      env,
    });

    for (const stage of workflow.stages) {
      if (progress.completedStages.has(stage.id)) continue;
      const stageStarted = Date.now();
      const persona = this.personaName(stage.persona);
      if (persona !== activePersona) {
        await this.switchPersona(persona);
        await this.append(runId, { type: 'persona_switched', from: activePersona, to: persona });
        activePersona = persona;
      }
      // Instructions are delivered (and counted) when the stage is first entered.
      const tokens = progress.startedStages.has(stage.id)
        ? undefined
        : await countTokensOf(String(renderTemplate(stage.instructions, scope())));
      progress.startedStages.add(stage.id);
      await this.append(runId, {
        type: 'stage_started',
        stage: stage.id,
        persona,
        ...(tokens === undefined ? {} : { tokens }),
      });
      for (const step of stage.steps) {
        if (progress.outputs.has(step.id)) continue;
        await lease.renew();
        const outcome = await this.runStep(runId, stage, step, progress, scope);
        if (outcome !== 'done') return this.finish(runId, previousPersona);
      }
      for (const gate of stage.gates) {
        const result = await evaluateGate(gate, {
          scope: scope(),
          cwd: this.options.cwd,
          env: this.env(),
          ...(this.options.signal ? { signal: this.options.signal } : {}),
        });
        const metrics = { ...result.metrics } as Record<string, number>;
        if (result.passed)
          await this.append(runId, {
            type: 'gate_passed',
            stage: stage.id,
            gate: gate.id,
            reason: result.reason,
            metrics,
          });
        else {
          await this.append(runId, {
            type: 'gate_failed',
            stage: stage.id,
            gate: gate.id,
            reason: result.reason,
            metrics,
          });
          return this.finish(runId, previousPersona);
        }
      }
      await this.append(runId, {
        type: 'stage_completed',
        stage: stage.id,
        durationMs: Date.now() - stageStarted + (progress.stageActiveMs.get(stage.id) ?? 0),
      });
      progress.completedStages.add(stage.id);
    }
    await this.append(runId, {
      type: 'run_completed',
      durationMs: Date.now() - started,
      metrics: runMetrics(await this.options.store.read(runId)),
    });
    return this.finish(runId, previousPersona);
  }

  /** Runs one step; 'done' to go on, 'suspended' for an agent step, 'stopped' on failure. */
  private async runStep(
    runId: string,
    stage: Stage,
    step: Step,
    progress: Progress,
    scope: () => ExpressionScope,
  ): Promise<'done' | 'suspended' | 'stopped'> {
    if (progress.started.has(step.id) && !step.idempotent && step.kind !== 'agent') {
      await this.append(runId, {
        type: 'run_failed',
        stage: stage.id,
        step: step.id,
        error: {
          name: 'InterruptedStepError',
          message: `step "${step.id}" was interrupted and is not idempotent: check its effect, then complete it with "tta workflow complete ${runId} ${step.id}"`,
        },
      });
      return 'stopped';
    }
    if (step.when !== undefined && !renderTemplate(step.when, scope())) {
      await this.append(runId, {
        type: 'step_succeeded',
        stage: stage.id,
        step: step.id,
        output: { skipped: true },
        durationMs: 0,
        automated: true,
      });
      recordOutput(progress, step.id, { skipped: true });
      return 'done';
    }
    if (step.kind === 'agent') {
      if (!progress.suspended.has(step.id)) {
        const instructions = String(renderTemplate(step.agent, scope()));
        const expected =
          step.expected === undefined ? null : String(renderTemplate(step.expected, scope()));
        const tokens = await countTokensOf(`${instructions}\n${expected ?? ''}`);
        await this.append(runId, {
          type: 'step_suspended',
          stage: stage.id,
          step: step.id,
          instructions,
          expected,
          ...(tokens === undefined ? {} : { tokens }),
        });
      }
      return 'suspended';
    }
    let attempt = 0;
    let tokens = 0;
    const reportTokens = (count: number) => {
      tokens += count;
    };
    const startedAt = Date.now();
    // Every attempt, of the step or of one of its fallbacks, is recorded under the step's id.
    const attempts = (definition: Step): Primitive<undefined, unknown> => {
      let primitive: Primitive<undefined, unknown> = coreStep(
        async () => {
          attempt++;
          await this.append(runId, {
            type: 'step_started',
            stage: stage.id,
            step: step.id,
            kind: definition.kind,
            attempt,
          });
          progress.started.add(step.id);
          try {
            return await this.execute(runId, stage, definition, scope(), reportTokens);
          } catch (error) {
            await this.append(runId, {
              type: 'step_failed',
              stage: stage.id,
              step: step.id,
              error: errorInfo(error),
              attempt,
            });
            throw error;
          }
        },
        { name: definition.id },
      );
      if (definition.timeoutMs !== undefined) primitive = timeout(primitive, definition.timeoutMs);
      if (definition.retry !== undefined)
        primitive = retry(primitive, { ...definition.retry, jitter: 'full' });
      return primitive;
    };
    const primitive =
      step.fallback === undefined || step.fallback.length === 0
        ? attempts(step)
        : fallback(attempts(step), step.fallback.map(attempts), { name: step.id });
    try {
      const output = await this.telemetry.inStep(runId, step, () =>
        primitive.run(
          undefined,
          createContext({
            workflowId: runId,
            runId,
            ...(this.options.signal ? { signal: this.options.signal } : {}),
          }),
        ),
      );
      await this.append(runId, {
        type: 'step_succeeded',
        stage: stage.id,
        step: step.id,
        output: toJson(output),
        durationMs: Date.now() - startedAt,
        automated: true,
        ...(tokens === 0 ? {} : { tokens }),
      });
      recordOutput(progress, step.id, output);
      if (step.saveAs !== undefined) progress.memory[step.saveAs] = output;
      if (step.kind === 'memory') Object.assign(progress.memory, output as Record<string, unknown>);
      await this.options.store.sync?.(runId);
      return 'done';
    } catch (error) {
      if (step.continueOnError) {
        recordOutput(progress, step.id, { failed: true, error: errorInfo(error) });
        return 'done';
      }
      await this.append(runId, {
        type: 'run_failed',
        stage: stage.id,
        step: step.id,
        error: errorInfo(error),
      });
      return 'stopped';
    }
  }

  private async execute(
    runId: string,
    stage: Stage,
    step: Step,
    scope: ExpressionScope,
    reportTokens: (tokens: number) => void,
  ): Promise<unknown> {
    switch (step.kind) {
      case 'run': {
        const command = String(renderTemplate(step.run, scope));
        const env = { ...this.env(), ...(renderDeep(step.env, scope) as Record<string, string>) };
        const cwd =
          step.cwd === undefined ? this.options.cwd : String(renderTemplate(step.cwd, scope));
        const result = await runCommand(command, {
          cwd,
          env,
          ...(this.options.signal ? { signal: this.options.signal } : {}),
        });
        if (result.exitCode !== step.expectExitCode) {
          const tail = (result.stderr || result.stdout).split('\n').slice(-5).join('\n');
          throw Object.assign(
            new Error(
              `\`${command}\` exited ${result.exitCode} (expected ${step.expectExitCode})${tail ? `:\n${tail}` : ''}`,
            ),
            { name: 'CommandFailedError' },
          );
        }
        return result;
      }
      case 'memory':
        return renderDeep(step.memory, scope);
      case 'journal': {
        const text = (t: string | undefined) =>
          t === undefined ? undefined : String(renderTemplate(t, scope));
        const decision = text(step.journal.decision);
        const learning = text(step.journal.learning);
        if (decision !== undefined)
          await this.append(runId, {
            type: 'decision',
            stage: stage.id,
            text: decision,
            by: 'workflow',
          });
        if (learning !== undefined)
          await this.append(runId, {
            type: 'learning',
            stage: stage.id,
            text: learning,
            by: 'workflow',
          });
        const page = step.journal.page;
        const title = page === undefined ? undefined : text(page.title)!.trim();
        if (page !== undefined && title) {
          // Text as is; anything else (a command's result…) as a JSON block.
          const content = renderTemplate(page.content, scope) ?? '';
          await this.append(runId, {
            type: 'journal_page',
            stage: stage.id,
            step: step.id,
            title,
            content:
              typeof content === 'string'
                ? content
                : `\`\`\`json\n${JSON.stringify(content, null, 2)}\n\`\`\``,
          });
        }
        return { decision: decision ?? null, learning: learning ?? null, page: title ?? null };
      }
      case 'agent':
        throw new Error('agent steps suspend the run; they are not executed');
      default:
        return this.runElsewhere(runId, stage, step, scope, reportTokens);
    }
  }

  /** A step of a kind run by an injected runner, given the step with its templates rendered. */
  private runElsewhere(
    runId: string,
    stage: Stage,
    step: Step,
    scope: ExpressionScope,
    reportTokens: (tokens: number) => void,
  ): Promise<unknown> {
    const runner = this.options.runners?.[step.kind];
    if (runner === undefined)
      throw Object.assign(
        new Error(
          `${step.kind} steps (step "${step.id}") need a runner this engine was not given; the tta CLI provides them`,
        ),
        { name: 'NotAvailableError' },
      );
    const { id, when, saveAs, ...fields } = step as Step & { when?: unknown; saveAs?: unknown };
    const rendered = { ...(renderDeep(fields, scope) as object), id, when, saveAs } as Step;
    return runner(rendered, {
      runId,
      stage,
      persona: this.personaName(stage.persona),
      cwd: this.options.cwd,
      env: this.env(),
      scope,
      reportTokens,
      ...(this.options.signal ? { signal: this.options.signal } : {}),
    });
  }

  private async finish(runId: string, previousPersona: string | null): Promise<RunResult> {
    const current =
      (await this.options.personaStore?.active().catch(() => undefined))?.name ?? null;
    if (current !== previousPersona) {
      if (previousPersona === null) await this.options.personaStore?.activate(null);
      else await this.switchPersona(previousPersona);
      await this.append(runId, { type: 'persona_switched', from: current, to: previousPersona });
    }
    await this.options.store.sync?.(runId);
    const events = await this.options.store.read(runId);
    return { runId, status: runStatus(events), events };
  }

  private async switchPersona(name: string): Promise<void> {
    const found = this.options.registry.resolve(name);
    if (this.options.personaStore === undefined || found === undefined) return;
    const { persona, source } = found;
    await this.options.personaStore.activate({
      name: persona.name,
      displayName: persona.displayName,
      icon: persona.icon,
      source: source.file ?? 'builtin',
    });
  }

  private personaName(query: string): string {
    return this.options.registry.resolve(query)?.persona.name ?? query;
  }

  private env(): Readonly<Record<string, string | undefined>> {
    return this.options.env ?? process.env;
  }

  private async append(runId: string, event: RunEventInput): Promise<RunEvent> {
    const stored = await this.options.store.append(runId, event);
    this.telemetry.observe(stored);
    this.options.onEvent?.(stored);
    return stored;
  }

  private async lease(runId: string): Promise<Lease> {
    const lease = await this.options.store.lease(runId, `${hostname()}:${process.pid}`);
    if (lease === undefined) throw new RunBusyError(runId);
    return lease;
  }
}

/** The run memory as the recorded outputs left it: `saveAs` outputs and `memory` steps, in order. */
function restoreMemory(workflow: WorkflowDefinition, progress: Progress): void {
  for (const stage of workflow.stages) {
    for (const step of stage.steps) {
      if (!progress.outputs.has(step.id)) continue;
      const output = progress.outputs.get(step.id);
      if (step.kind === 'memory' && typeof output === 'object' && output !== null)
        Object.assign(progress.memory, output);
      if (step.saveAs !== undefined) progress.memory[step.saveAs] = output;
    }
  }
}

/** Records a step's output, where resume and expressions (`steps.<id>.output`) read it. */
function recordOutput(progress: Progress, step: string, output: unknown): void {
  progress.outputs.set(step, output);
  progress.steps[step] = { output };
}

function replay(events: readonly RunEvent[]): Progress {
  const progress: Progress = {
    outputs: new Map(),
    steps: {},
    memory: {},
    completedStages: new Set(),
    startedStages: new Set(),
    stageActiveMs: new Map(),
    started: new Set(),
    suspended: new Map(),
  };
  // The stage a drive worked on: from its stage_started to the last work recorded in it.
  let open: { stage: string; from: number; to: number } | undefined;
  const close = () => {
    if (open !== undefined && !progress.completedStages.has(open.stage))
      progress.stageActiveMs.set(
        open.stage,
        (progress.stageActiveMs.get(open.stage) ?? 0) + (open.to - open.from),
      );
    open = undefined;
  };
  for (const e of events) {
    if (e.type === 'stage_started') {
      close();
      open = { stage: e.stage, from: Date.parse(e.time), to: Date.parse(e.time) };
    } else if (
      open !== undefined &&
      STAGE_WORK.has(e.type) &&
      'stage' in e &&
      e.stage === open.stage
    )
      open.to = Date.parse(e.time);
    else if (e.type === 'stage_completed') open = undefined;
    if (e.type === 'step_started') progress.started.add(e.step);
    else if (e.type === 'step_succeeded' || e.type === 'step_completed') {
      recordOutput(progress, e.step, e.output);
      progress.suspended.delete(e.step);
    } else if (e.type === 'step_suspended') progress.suspended.set(e.step, e.stage);
    else if (e.type === 'stage_completed') progress.completedStages.add(e.stage);
    if (e.type === 'stage_started') progress.startedStages.add(e.stage);
  }
  close();
  return progress;
}

/** Events of a stage's own work (a step completed by a person later is not). */
const STAGE_WORK = new Set<RunEvent['type']>([
  'step_started',
  'step_succeeded',
  'step_failed',
  'step_suspended',
  'gate_passed',
  'gate_failed',
]);

/**
 * Metrics of a run from its events: steps, automation ratio, gates, tokens (instructions
 * delivered, tool results, what the gateway counted for agent steps) and time, each also per
 * persona and per stage.
 */
export function runMetrics(events: readonly RunEvent[]): Record<string, JsonValue> {
  const succeeded = events.filter((e) => e.type === 'step_succeeded');
  const completedByHand = events.filter((e) => e.type === 'step_completed').length;
  const automated = succeeded.filter((e) => e.type === 'step_succeeded' && e.automated).length;
  const steps = succeeded.length + completedByHand;
  const personaOf = new Map<string, string>();
  const tokensByPersona: Record<string, number> = {};
  const personaTimeMs: Record<string, number> = {};
  const stageDurationMs: Record<string, number> = {};
  let tokens = 0;
  const add = (into: Record<string, number>, key: string | undefined, value: number) => {
    if (key !== undefined) into[key] = (into[key] ?? 0) + value;
  };
  for (const e of events) {
    if (e.type === 'stage_started') personaOf.set(e.stage, e.persona);
    if (e.type === 'stage_completed') {
      stageDurationMs[e.stage] = (stageDurationMs[e.stage] ?? 0) + e.durationMs;
      add(personaTimeMs, personaOf.get(e.stage), e.durationMs);
    }
    if ('tokens' in e && e.tokens !== undefined) {
      tokens += e.tokens;
      add(tokensByPersona, personaOf.get(e.stage), e.tokens);
    }
  }
  return {
    steps,
    automatedSteps: automated,
    automation: steps === 0 ? 0 : Math.round((automated / steps) * 1000) / 1000,
    gatesPassed: events.filter((e) => e.type === 'gate_passed').length,
    gatesFailed: events.filter((e) => e.type === 'gate_failed').length,
    stages: events.filter((e) => e.type === 'stage_completed').length,
    personaSwitches: events.filter((e) => e.type === 'persona_switched').length,
    tokens,
    tokensByPersona,
    personaTimeMs,
    stageDurationMs,
  };
}

function errorInfo(error: unknown): { name: string; message: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: 'Error', message: String(error) };
}

function newRunId(workflow: string): string {
  return `${workflow}-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${Math.random().toString(36).slice(2, 6)}`;
}
