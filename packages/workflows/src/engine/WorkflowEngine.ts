import { hostname } from 'node:os';
import {
  step as coreStep,
  createContext,
  fallback,
  type Memory,
  type Primitive,
  retry,
  TimeoutError,
} from '@tta-dev/core';
import type { PersonaRegistry, PersonaStore } from '@tta-dev/personas';
import { completeStep } from '../commands/completeStep.js';
import { mergeStepKinds, type StepKind } from '../definition/StepKind.js';
import type { Stage, Step, WorkflowDefinition } from '../definition/WorkflowSchema.js';
import type { ExpressionScope } from '../expressions/evaluate.js';
import { renderDeep, renderTemplate } from '../expressions/template.js';
import { toJson } from '../runs/_json.js';
import { RunBusyError } from '../runs/errors/RunBusyError.js';
import { RunFinishedError } from '../runs/errors/RunFinishedError.js';
import { RunNotFoundError } from '../runs/errors/RunNotFoundError.js';
import { applyEvent, foldRun, initialState } from '../runs/foldRun.js';
import type {
  ErrorInfo,
  JsonValue,
  RunEvent,
  RunEventInput,
  RunEventOf,
} from '../runs/RunEvent.js';
import { DONE_OUTCOMES, type RunState, type RunStatus } from '../runs/RunState.js';
import { DEFAULT_LEASE_TTL_MS, type Lease, type RunStore } from '../runs/RunStore.js';
import {
  isSecretKey,
  MIN_SECRET_LENGTH,
  redactError,
  redactSecrets,
  secretValuesFromEnv,
} from '../runs/redactSecrets.js';
import { runMetrics, stageWorkMs } from '../runs/runMetrics.js';
import { withLease } from '../runs/withLease.js';
import { BUILTIN_STEP_KINDS } from './builtinStepKinds.js';
import { countTokensOf } from './countTokens.js';
import { evaluateGate } from './evaluateGate.js';
import { RunTelemetry } from './RunTelemetry.js';
import { resolveInputs } from './resolveInputs.js';
import { rewindFrom } from './rewindFrom.js';
import type { StepRunners } from './StepRunner.js';
import { stopWithin } from './stopWithin.js';

export interface EngineOptions {
  store: RunStore;
  registry: PersonaRegistry;
  /**
   * The persona scope a run switches at every stage boundary (so the gateway follows) and gives
   * back when its drive ends, however it ends: a store, or the scope of each run by its id (the
   * CLI gives the run's own scope in its project, `PersonaScopes.runScope`).
   */
  personaStore?: PersonaStore | ((runId: string) => PersonaStore);
  /** Folder commands run in. */
  cwd: string;
  /** Environment of commands. Default: `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** The `project` scope of expressions (detected commands and facts). */
  project?: object;
  /**
   * Step kinds besides the built-in ones, or giving a standard kind its `run` (`tool`, `code`,
   * `promql`…); the CLI gives integrations' kinds. A step of a kind with no run fails clearly.
   */
  kinds?: readonly StepKind[];
  /** Runs by kind name: the older form of `kinds`, for compatibility. */
  runners?: StepRunners;
  /** Sees every event as it is stored, for progress views. */
  onEvent?: (event: RunEvent) => void;
  /**
   * The shared memory (its root): what a run puts in its memory (`memory` steps, `saveAs`) is
   * also written, secrets redacted, to its namespace `run:<run id>` there, so that personas in
   * other sessions read it (the gateway's memory tools with `run`). The run itself reads only its
   * own log. Default: none.
   */
  memory?: Memory;
  /**
   * Told when writing to the shared memory failed; the run goes on (its log holds the values, and
   * the next drive of the run writes them again). Default: ignored.
   */
  onMemoryError?: (error: unknown) => void;
  signal?: AbortSignal;
  /**
   * The worker labels this process offers (`tta worker --labels`). Before a stage whose `runsOn`
   * names one it lacks, the drive hands the run back (`run_queued` with the labels needed) for a
   * worker that has them. Default: every label (a person's `tta workflow run` drives it all).
   */
  labels?: readonly string[];
  /**
   * When aborted, the drive stops at the next step boundary (or when the step it runs ends, an
   * abort of `signal` included) and hands the run back (`run_queued`) instead of failing it: a
   * worker stopping gives its runs to the others.
   */
  handBack?: AbortSignal;
  /** Lease owner of the drives. Default: `<host>:<pid>`. */
  owner?: string;
  /** How long a drive's lease lasts unless renewed (renewed every third of it). Default: 30 s. */
  leaseTtlMs?: number;
}

/** What `resume` may be told besides where to go back to. */
export interface ResumeOptions {
  from?: string;
  /**
   * Checked under the lease, before anything is appended: the run is driven only when it says
   * yes (a worker claims only a run still queued for labels it has, or whose holder died);
   * otherwise the lease is given back and the result has `claimed: false`.
   */
  claim?: (state: RunState) => boolean;
}

export interface RunResult {
  readonly runId: string;
  readonly status: RunStatus;
  readonly events: readonly RunEvent[];
  /** `false` when `resume`'s `claim` said no and nothing was done. */
  readonly claimed?: false;
}

/** One drive of a run: its state, folded from its log and kept up to date as events are appended. */
interface Drive {
  readonly runId: string;
  readonly state: RunState;
  readonly lease: Lease;
  /** The persona to give back when the drive ends, once it has read it. */
  personaBefore?: string | null;
  /** The inputs as given (the log keeps secret ones redacted; a resume has only those). */
  readonly inputs: Record<string, JsonValue>;
  /** Values never to record: the environment's secrets and the secret inputs' values. */
  readonly secrets: readonly string[];
  /** The secret inputs' values alone, which the store does not know of. */
  readonly inputSecrets: readonly string[];
  /** Aborted by the run's cancellation, or when the lease is lost to another process. */
  readonly signal: AbortSignal;
  /** The `steps` scope of expressions, kept up to date as step events are appended. */
  readonly steps: Record<string, { output: unknown }>;
}

/**
 * Runs workflow definitions durably: every transition is appended to the run store, each stage
 * runs under its persona, steps run on the core primitives (retry, timeout), gates stop the run
 * when they fail, `agent` steps suspend it until completed from outside, and `resume` continues a
 * run from its events without running a completed step again.
 */
export class WorkflowEngine {
  /** Spans and metrics of the runs this engine drives (no-ops without an OpenTelemetry SDK). */
  private readonly telemetry = new RunTelemetry();

  /** The step kinds this engine runs: the built-in ones, then `options.kinds`. */
  private readonly kinds: ReadonlyMap<string, StepKind>;

  constructor(private readonly options: EngineOptions) {
    this.kinds = new Map(mergeStepKinds(BUILTIN_STEP_KINDS, options.kinds).map((k) => [k.kind, k]));
  }

  /** Starts a new run; resolves when it completes, suspends, or stops at a gate or failure. */
  async start(
    workflow: WorkflowDefinition,
    inputs: Record<string, unknown> = {},
    runId = newRunId(workflow.name),
  ): Promise<RunResult> {
    return this.begin(
      workflow,
      inputs,
      runId,
      ({ inputs: resolved, inputSecrets, lease, recordStart }) =>
        this.telemetry.drive(runId, workflow.name, undefined, async () => {
          const state = initialState(await recordStart());
          const base = { ...this.secretsOf(inputSecrets), runId, state, lease, inputs: resolved };
          return this.keepingLease(base, (drive) => this.driveGivingBack(drive, workflow));
        }),
    );
  }

  /**
   * Records a new run for the workers (`tta worker`) without driving it: `run_started` with the
   * inputs resolved and checked as `start` does, then `run_queued` with the first stage's
   * `runsOn`. Returns at once.
   */
  async queue(
    workflow: WorkflowDefinition,
    inputs: Record<string, unknown> = {},
    runId = newRunId(workflow.name),
  ): Promise<RunResult> {
    return this.begin(workflow, inputs, runId, async ({ lease, recordStart }) => {
      await recordStart();
      await this.store(runId, {
        type: 'run_queued',
        needs: [...(workflow.stages[0]?.runsOn ?? [])],
        by: lease.owner,
        reason: 'queued',
      });
      await this.options.store.sync?.(runId);
      const events = await this.options.store.read(runId);
      return { runId, status: foldRun(events)!.status, events };
    });
  }

  /**
   * What `start` and `queue` share: the inputs resolved and checked, the secret ones' values, and
   * the new run's lease, held while `work` runs and released however it ends. `recordStart`
   * appends `run_started` (secret inputs redacted); `start` calls it inside its drive's span, so
   * that the event carries the trace.
   */
  private async begin<T>(
    workflow: WorkflowDefinition,
    inputs: Record<string, unknown>,
    runId: string,
    work: (begun: {
      readonly inputs: Record<string, JsonValue>;
      readonly inputSecrets: readonly string[];
      readonly lease: Lease;
      recordStart(): Promise<RunEvent>;
    }) => Promise<T>,
  ): Promise<T> {
    const resolved = toJson(resolveInputs(workflow, inputs)) as Record<string, JsonValue>;
    const inputSecrets = secretInputValues(resolved);
    const lease = await this.lease(runId);
    const recordStart = () =>
      this.store(
        runId,
        {
          type: 'run_started',
          workflow: workflow.name,
          inputs: resolved,
          personas: workflow.stages.map((s) => this.personaName(s.persona)),
          ...this.telemetry.traceField(runId),
        },
        inputSecrets,
      );
    return withLease(lease, () => work({ inputs: resolved, inputSecrets, lease, recordStart }));
  }

  /**
   * Continues a run from its events: after a failure, a crash, or an agent step completed. With
   * `from` (a stage, step or gate), that and what follows run again (`rewindFrom`): a failed gate
   * is retried after the user fixed what it checks, in the same run.
   */
  async resume(
    runId: string,
    workflow: WorkflowDefinition,
    options: ResumeOptions = {},
  ): Promise<RunResult> {
    if ((await this.options.store.read(runId)).length === 0) throw new RunNotFoundError(runId);
    const rewind = options.from === undefined ? undefined : rewindFrom(workflow, options.from);
    const lease = await this.lease(runId);
    return withLease(lease, async () => {
      // Read under the lease: what is folded is what no one else drives now.
      const events = await this.options.store.read(runId);
      const state = foldRun(events)!;
      const started = events[0] as RunEventOf<'run_started'>;
      if (options.claim !== undefined && !options.claim(state))
        return { runId, status: state.status, events, claimed: false };
      if (state.status === 'completed' || state.status === 'cancelled') {
        if (rewind !== undefined) throw new RunFinishedError(runId, state.status);
        return { runId, status: state.status, events };
      }
      return this.telemetry.drive(runId, state.workflow, started, async () => {
        const base = { ...this.secretsOf([]), runId, state, lease, inputs: state.inputs };
        return this.keepingLease(base, async (drive) => {
          await this.append(drive, { type: 'run_resumed', by: lease.owner });
          if (rewind !== undefined) {
            const { from, stages, steps } = rewind;
            await this.append(drive, {
              type: 'run_rewound',
              from,
              stages: [...stages],
              steps: [...steps],
              by: lease.owner,
            });
            for (const id of rewind.steps) scopeStep(drive.steps, drive.state, id);
          }
          return this.driveGivingBack(drive, workflow);
        });
      });
    });
  }

  /**
   * Completes a suspended `agent` step with its output (`completeStep`, under the run's lease);
   * `resume` then carries on.
   */
  async complete(
    runId: string,
    stepId: string,
    output: unknown,
    options: { note?: string; by?: string; tokens?: number } = {},
  ): Promise<RunEvent> {
    const { by = 'person', ...rest } = options;
    const [event] = await completeStep(this.options.store, runId, stepId, { output, ...rest }, by);
    return event!;
  }

  /**
   * Drives, and gives the persona back when the drive ends by an exception too (`finish` gives it
   * back on every other way out; a signal or EPIPE stops the steps, which ends there).
   */
  private async driveGivingBack(drive: Drive, workflow: WorkflowDefinition): Promise<RunResult> {
    try {
      return await this.drive(drive, workflow);
    } catch (error) {
      // However the drive ends, what it appended goes to the disk (the next holder reads it).
      await this.durable(drive).catch(() => undefined);
      if (drive.personaBefore !== undefined)
        await this.givePersonaBack(drive, drive.personaBefore).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Runs a drive renewing its lease every third of its time (10 s of 30 s by default), so that a long step keeps
   * the run; a lease lost to another process aborts the drive's signal, which stops the step.
   * The lease is not renewed around every step or append: `holdLease` checks it without I/O.
   */
  private async keepingLease<T>(
    base: Omit<Drive, 'signal' | 'steps'>,
    work: (drive: Drive) => Promise<T>,
  ): Promise<T> {
    const lost = new AbortController();
    const heartbeat = setInterval(
      () => base.lease.renew().catch((error: unknown) => lost.abort(error)),
      this.leaseTtlMs() / 3,
    );
    heartbeat.unref();
    const signal =
      this.options.signal === undefined
        ? lost.signal
        : AbortSignal.any([this.options.signal, lost.signal]);
    try {
      const steps: Drive['steps'] = {};
      for (const id of Object.keys(base.state.steps)) scopeStep(steps, base.state, id);
      return await work({ ...base, signal, steps });
    } finally {
      clearInterval(heartbeat);
    }
  }

  private async drive(drive: Drive, workflow: WorkflowDefinition): Promise<RunResult> {
    const { state } = drive;
    // What reached the run memory while no drive was there to share it (an agent step completed
    // from elsewhere, a crash between an append and its write) is shared now.
    await this.shareMemory(drive, Object.keys(state.memory), true);
    const currentPersona = await this.personaNow(drive);
    // The persona to return to is the one active before the run began (a resumed run too).
    const previousPersona =
      state.personaSwitches > 0 ? (state.personaBefore ?? null) : currentPersona;
    drive.personaBefore = previousPersona;
    let activePersona = currentPersona;
    // So that `when` can see configuration (PROMETHEUS_URL); secrets stay out of expressions.
    const env = Object.fromEntries(
      Object.entries(this.env()).filter(([name]) => !isSecretKey(name)),
    );
    const scope = (): ExpressionScope => ({
      inputs: drive.inputs,
      memory: state.memory,
      steps: drive.steps,
      project: this.options.project ?? {},
      env,
    });

    for (const stage of workflow.stages) {
      if (state.stages.find((s) => s.id === stage.id)?.status === 'completed') continue;
      const missing = this.missingLabels(stage);
      if (missing.length > 0)
        return this.handBack(
          drive,
          previousPersona,
          stage,
          `stage ${stage.id} runs on ${missing.join(', ')}`,
        );
      if (this.options.handBack?.aborted)
        return this.handBack(drive, previousPersona, stage, 'worker stopping');
      const persona = this.personaName(stage.persona);
      if (persona !== activePersona) {
        await this.switchPersona(drive, persona, stage.id);
        await this.append(drive, { type: 'persona_switched', from: activePersona, to: persona });
        activePersona = persona;
      }
      // Instructions are delivered (and counted) when the stage is first entered.
      const entered = state.stages.some((s) => s.id === stage.id);
      const tokens = entered
        ? undefined
        : await countTokensOf(String(renderTemplate(stage.instructions, scope())));
      await this.append(drive, {
        type: 'stage_started',
        stage: stage.id,
        persona,
        ...(tokens === undefined ? {} : { tokens }),
      });
      for (const step of stage.steps) {
        if (isDone(state, step)) continue;
        if (this.options.handBack?.aborted)
          return this.handBack(drive, previousPersona, stage, 'worker stopping');
        await this.holdLease(drive);
        const outcome = await this.runStep(drive, stage, step, scope);
        if (outcome === 'handback')
          return this.handBack(drive, previousPersona, stage, 'worker stopping');
        if (outcome !== 'done') return this.finish(drive, previousPersona);
      }
      if (stage.gates.length > 0) await this.durable(drive);
      for (const gate of stage.gates) {
        const result = await evaluateGate(gate, {
          scope: scope(),
          cwd: this.options.cwd,
          env: this.env(),
          signal: drive.signal,
        });
        await this.append(drive, {
          type: result.passed ? 'gate_passed' : 'gate_failed',
          stage: stage.id,
          gate: gate.id,
          reason: result.reason,
          metrics: { ...result.metrics } as Record<string, number>,
        });
        if (!result.passed) return this.finish(drive, previousPersona);
      }
      const done = state.stages.find((s) => s.id === stage.id)!;
      await this.append(drive, {
        type: 'stage_completed',
        stage: stage.id,
        durationMs: stageWorkMs(done),
      });
    }
    return this.finish(drive, previousPersona, true);
  }

  /** Runs one step; 'done' to go on, 'suspended' for an agent step, 'stopped' on failure. */
  private async runStep(
    drive: Drive,
    stage: Stage,
    step: Step,
    scope: () => ExpressionScope,
  ): Promise<'done' | 'suspended' | 'stopped' | 'handback'> {
    const { runId, state } = drive;
    const before = state.steps[step.id];
    if (before?.outcome === 'interrupted' && !step.idempotent && step.kind !== 'agent') {
      await this.append(drive, {
        type: 'run_failed',
        stage: stage.id,
        step: step.id,
        error: {
          name: 'InterruptedStepError',
          message: `step "${step.id}" was interrupted and is not idempotent: check its effect, then settle it with "tta workflow complete ${runId} ${step.id} --output JSON" (it happened), or "--rerun" (run it again)`,
        },
      });
      return 'stopped';
    }
    if (step.when !== undefined && !renderTemplate(step.when, scope())) {
      await this.append(drive, {
        type: 'step_skipped',
        stage: stage.id,
        step: step.id,
        when: step.when,
      });
      return 'done';
    }
    if (step.kind === 'agent') {
      if (before?.outcome !== 'waiting') {
        const instructions = String(renderTemplate(step.agent, scope()));
        const expected =
          step.expected === undefined ? null : String(renderTemplate(step.expected, scope()));
        const tokens = await countTokensOf(`${instructions}\n${expected ?? ''}`);
        await this.append(drive, {
          type: 'step_suspended',
          stage: stage.id,
          step: step.id,
          instructions,
          expected,
          ...(tokens === undefined ? {} : { tokens }),
          ...(step.saveAs === undefined ? {} : { saveAs: step.saveAs }),
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
    // Each has its own signal: its time limit or the run's cancellation stops the work itself
    // (commands' process groups are killed), and the attempt ends when the work has stopped.
    const attempts = (definition: Step): Primitive<undefined, unknown> => {
      let primitive: Primitive<undefined, unknown> = coreStep(
        async (_input: undefined, ctx) => {
          attempt++;
          await this.append(drive, {
            type: 'step_started',
            stage: stage.id,
            step: step.id,
            kind: definition.kind,
            attempt,
          });
          // The step's work is about to change the world: what the log says so far, the
          // success of the steps before and this start, must survive a crash first.
          await this.durable(drive);
          const limit = attemptSignal(ctx.signal, definition);
          try {
            return await stopWithin(limit.signal, () =>
              this.execute(drive, stage, definition, scope(), reportTokens, limit.signal),
            );
          } catch (raw) {
            // What leaves the attempt (to spans, retries, the log) never holds a secret.
            const error = redactError(raw, { secrets: drive.secrets });
            await this.append(drive, {
              type: 'step_failed',
              stage: stage.id,
              step: step.id,
              error: errorInfo(error),
              attempt,
            });
            throw error;
          } finally {
            limit.done();
          }
        },
        { name: definition.id },
      );
      if (definition.retry !== undefined)
        primitive = retry(primitive, { ...definition.retry, jitter: 'full' });
      return primitive;
    };
    const primitive =
      step.fallback === undefined || step.fallback.length === 0
        ? attempts(step)
        : fallback(attempts(step), step.fallback.map(attempts), { name: step.id });
    try {
      const output = toJson(
        await this.telemetry.inStep(runId, step, () =>
          primitive.run(
            undefined,
            createContext({ workflowId: runId, runId, signal: drive.signal }),
          ),
        ),
      );
      await this.append(drive, {
        type: 'step_succeeded',
        stage: stage.id,
        step: step.id,
        output,
        durationMs: Date.now() - startedAt,
        automated: true,
        ...(tokens === 0 ? {} : { tokens }),
        ...(step.saveAs === undefined ? {} : { saveAs: step.saveAs }),
      });
      // Made durable with what follows, before the next thing done outside the log (`durable`).
      return 'done';
    } catch (error) {
      // A worker stopping ended the step: the run goes to another worker, which runs it again.
      if (this.options.handBack?.aborted) return 'handback';
      if (step.continueOnError) return 'done';
      await this.append(drive, {
        type: 'run_failed',
        stage: stage.id,
        step: step.id,
        error: errorInfo(error),
      });
      return 'stopped';
    }
  }

  /**
   * Runs one attempt of a step by its kind's `run` (or, for compatibility, a runner given by
   * kind name), given the step with its own fields' templates rendered and the attempt's context.
   */
  private async execute(
    drive: Drive,
    stage: Stage,
    step: Step,
    scope: ExpressionScope,
    reportTokens: (tokens: number) => void,
    signal: AbortSignal,
  ): Promise<unknown> {
    const kind = this.kinds.get(step.kind);
    const run = kind?.run ?? this.options.runners?.[step.kind];
    if (kind === undefined || run === undefined)
      throw Object.assign(
        new Error(
          `${step.kind} steps (step "${step.id}") need a runner this engine was not given; the tta CLI provides them`,
        ),
        { name: 'NotAvailableError' },
      );
    const own = step as unknown as Record<string, unknown>;
    const rendered: Record<string, unknown> = { ...own };
    for (const field of Object.keys(kind.fields.shape))
      if (own[field] !== undefined) rendered[field] = renderDeep(own[field], scope);
    // A command's process group is kept in the lease while it runs: a process taking the run
    // over after this one died kills it rather than letting it run beside the re-run.
    const { lease } = drive;
    let tracked = false;
    return await run(rendered as unknown as Step, {
      runId: drive.runId,
      stage,
      persona: this.personaName(stage.persona),
      cwd: this.options.cwd,
      env: this.env(),
      scope,
      reportTokens,
      signal,
      trackProcess: async (pid) => {
        tracked = lease.track !== undefined;
        await lease.track?.([pid]).catch(() => undefined);
      },
      note: async (entry) => {
        await this.append(
          drive,
          entry.type === 'journal_page'
            ? { ...entry, stage: stage.id, step: step.id }
            : { ...entry, stage: stage.id, by: 'workflow' },
        );
      },
    }).finally(() => (tracked ? lease.track?.([]).catch(() => undefined) : undefined));
  }

  /**
   * Ends a drive: gives the persona back (before `run_completed`, so that its figures count the
   * switch back too), and records the completion when the run got through every stage.
   */
  private async finish(
    drive: Drive,
    previousPersona: string | null,
    completed = false,
  ): Promise<RunResult> {
    await this.givePersonaBack(drive, previousPersona);
    if (completed) {
      const metrics = runMetrics(drive.state);
      await this.append(drive, {
        type: 'run_completed',
        durationMs: metrics.workMs,
        metrics: metrics as unknown as Record<string, JsonValue>,
      });
    }
    await this.options.store.sync?.(drive.runId);
    const events = await this.options.store.read(drive.runId);
    return { runId: drive.runId, status: drive.state.status, events };
  }

  /** The labels of `stage.runsOn` this engine does not offer (none when it offers every label). */
  private missingLabels(stage: Stage): string[] {
    const { labels } = this.options;
    if (labels === undefined || stage.runsOn === undefined) return [];
    return stage.runsOn.filter((label) => !labels.includes(label));
  }

  /**
   * Ends a drive by giving the run back to the workers: the persona back, then `run_queued` with
   * the labels the stage needs; the lease is released by the caller (`withLease`).
   */
  private async handBack(
    drive: Drive,
    previousPersona: string | null,
    stage: Stage,
    reason: string,
  ): Promise<RunResult> {
    await this.givePersonaBack(drive, previousPersona);
    await this.append(drive, {
      type: 'run_queued',
      needs: [...(stage.runsOn ?? [])],
      by: drive.lease.owner,
      reason,
    });
    await this.options.store.sync?.(drive.runId);
    const events = await this.options.store.read(drive.runId);
    return { runId: drive.runId, status: drive.state.status, events };
  }

  /** Switches the drive's persona scope back to what it held before the run, if it changed. */
  private async givePersonaBack(drive: Drive, previousPersona: string | null): Promise<void> {
    const current = await this.personaNow(drive);
    if (current === previousPersona) return;
    if (previousPersona === null) await this.personaStoreOf(drive)?.activate(null);
    else await this.switchPersona(drive, previousPersona);
    await this.append(drive, { type: 'persona_switched', from: current, to: previousPersona });
  }

  /** Switches the drive's scope; `stage` (the one it switches for) is recorded as its holder. */
  private async switchPersona(drive: Drive, name: string, stage?: string): Promise<void> {
    const found = this.options.registry.resolve(name);
    const store = this.personaStoreOf(drive);
    if (store === undefined || found === undefined) return;
    await this.durable(drive);
    const { persona, source } = found;
    await store.activate({
      name: persona.name,
      displayName: persona.displayName,
      icon: persona.icon,
      source: source.file ?? 'builtin',
      ...(stage === undefined
        ? {}
        : { run: { id: drive.runId, stage, pid: process.pid, host: hostname() } }),
    });
  }

  /** The persona the drive's scope holds now; null when none (or unreadable). */
  private async personaNow(drive: Drive): Promise<string | null> {
    return (
      (
        await this.personaStoreOf(drive)
          ?.active()
          .catch(() => undefined)
      )?.name ?? null
    );
  }

  private personaStoreOf(drive: Drive): PersonaStore | undefined {
    const { personaStore } = this.options;
    return typeof personaStore === 'function' ? personaStore(drive.runId) : personaStore;
  }

  /** The secrets of a drive: the environment's and those of the inputs given. */
  private secretsOf(inputSecrets: readonly string[]): Pick<Drive, 'secrets' | 'inputSecrets'> {
    return { secrets: [...secretValuesFromEnv(this.env()), ...inputSecrets], inputSecrets };
  }

  private personaName(query: string): string {
    return this.options.registry.resolve(query)?.persona.name ?? query;
  }

  private env(): Readonly<Record<string, string | undefined>> {
    return this.options.env ?? process.env;
  }

  /**
   * Makes what the drive appended durable (`store.sync`). Called before anything the engine does
   * outside the log — a step's work, a gate, a persona switch — and when the drive ends: so a
   * step whose success was followed by anything is never run again after a crash, and a step
   * whose work began is known to have begun. Between those points appends are not fsynced: a
   * crash there loses only what nothing outside the log has acted on.
   */
  private async durable(drive: Drive): Promise<void> {
    await this.options.store.sync?.(drive.runId);
  }

  /**
   * Before a step: the lease must still be the drive's. It is renewed only when the heartbeat is
   * late (less than half of it left by `remainingMs`), or always for stores that cannot tell;
   * `renew` throws `LeaseLostError` when another owner took the run.
   */
  private async holdLease(drive: Drive): Promise<void> {
    const left = drive.lease.remainingMs?.() ?? 0;
    if (left <= this.leaseTtlMs() / 2) await drive.lease.renew();
  }

  /** Appends an event of a drive and folds it into the drive's state. */
  private async append(drive: Drive, event: RunEventInput): Promise<RunEvent> {
    // Only the lease holder appends: a lease that lapsed is renewed first (which throws
    // `LeaseLostError`, appending nothing, when another owner took the run meanwhile).
    const { lease } = drive;
    if (lease.remainingMs !== undefined && lease.remainingMs() <= 0) await lease.renew();
    const stored = await this.store(drive.runId, event, drive.inputSecrets);
    const before =
      this.options.memory !== undefined && MEMORY_EVENTS.has(stored.type)
        ? { ...drive.state.memory }
        : undefined;
    applyEvent(drive.state, stored);
    if (before !== undefined)
      await this.shareMemory(
        drive,
        Object.keys(drive.state.memory).filter((key) => drive.state.memory[key] !== before[key]),
      );
    if ('step' in stored && stored.step !== undefined)
      scopeStep(drive.steps, drive.state, stored.step);
    return stored;
  }

  /** Appends an event; the store redacts the environment's secrets, this the inputs'. */
  private async store(
    runId: string,
    event: RunEventInput,
    inputSecrets: readonly string[] = [],
  ): Promise<RunEvent> {
    const safe =
      inputSecrets.length === 0 ? event : redactSecrets(event, { secrets: inputSecrets });
    const stored = await this.options.store.append(runId, safe);
    this.telemetry.observe(stored);
    this.options.onEvent?.(stored);
    return stored;
  }

  /**
   * Writes `keys` of the run memory to the shared memory's `run:<id>`, secrets redacted; with
   * `onlyChanged`, only those whose shared value differs. A failure is told, never thrown.
   */
  private async shareMemory(drive: Drive, keys: readonly string[], onlyChanged = false) {
    const { memory, onMemoryError } = this.options;
    if (memory === undefined || keys.length === 0) return;
    const shared = memory.namespace(`run:${drive.runId}`);
    try {
      for (const key of keys) {
        const value = redactSecrets(drive.state.memory[key], { secrets: drive.secrets });
        if (onlyChanged && JSON.stringify(await shared.get(key)) === JSON.stringify(value))
          continue;
        await shared.add(key, value, { tags: [drive.state.workflow] });
      }
    } catch (error) {
      onMemoryError?.(redactError(error, { secrets: drive.secrets }));
    }
  }

  private leaseTtlMs(): number {
    return this.options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
  }

  private async lease(runId: string): Promise<Lease> {
    const lease = await this.options.store.lease(
      runId,
      this.options.owner ?? `${hostname()}:${process.pid}`,
      { ttlMs: this.leaseTtlMs() },
    );
    if (lease === undefined) throw new RunBusyError(runId);
    return lease;
  }
}

/** The events that may put values in the run memory (`foldRun`'s `memoryOf` and completions). */
const MEMORY_EVENTS: ReadonlySet<RunEvent['type']> = new Set(['step_succeeded', 'step_completed']);

/** The values of the inputs whose names say they are secret (`token`, `NPM_TOKEN`…). */
function secretInputValues(inputs: Record<string, JsonValue>): string[] {
  return Object.entries(inputs).flatMap(([name, value]) =>
    isSecretKey(name) && typeof value === 'string' && value.length >= MIN_SECRET_LENGTH
      ? [value]
      : [],
  );
}

/** Whether a step is behind the run: done, or failed with `continueOnError`. */
function isDone(state: RunState, step: Step): boolean {
  const outcome = state.steps[step.id]?.outcome;
  return (
    outcome !== undefined &&
    (DONE_OUTCOMES.has(outcome) || (outcome === 'failed' && step.continueOnError))
  );
}

/**
 * Sets one step in the `steps` scope of expressions (`steps.<id>.output`): the output of a step
 * done, `{ failed, error }` for a step that failed without stopping the run, else nothing.
 */
function scopeStep(scope: Record<string, { output: unknown }>, state: RunState, id: string): void {
  if (id in state.outputs) scope[id] = { output: state.outputs[id] };
  else if (state.steps[id]?.outcome === 'failed')
    scope[id] = { output: { failed: true, error: state.steps[id]?.error ?? null } };
  else delete scope[id];
}

/**
 * The signal of one attempt: the drive's (cancellation, a lost lease) and the step's time limit,
 * which aborts it with a `TimeoutError`. `done` clears the timer.
 */
function attemptSignal(drive: AbortSignal, step: Step): { signal: AbortSignal; done: () => void } {
  const limit = step.timeoutMs;
  if (limit === undefined) return { signal: drive, done: () => undefined };
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new TimeoutError(step.id, limit)), limit);
  return { signal: AbortSignal.any([drive, controller.signal]), done: () => clearTimeout(timer) };
}

function errorInfo(error: unknown): ErrorInfo {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const code = (error as { code?: unknown }).code;
  return {
    name: error.name,
    message: error.message,
    ...(typeof code === 'string' ? { code } : {}),
  };
}

function newRunId(workflow: string): string {
  return `${workflow}-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${Math.random().toString(36).slice(2, 6)}`;
}
