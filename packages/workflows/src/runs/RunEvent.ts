import { z } from 'zod';
import { firstNonJson } from './_json.js';

/** A value that survives `JSON.stringify` → `JSON.parse` unchanged. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };

/**
 * Any JSON value. Refuses `undefined`, `NaN`, dates, class instances, functions and cycles, with
 * the dotted path of the first offending value (zod's own `z.json()` reports only the top field).
 */
export const JsonValueSchema = z.custom<JsonValue>().superRefine((value, ctx) => {
  const found = firstNonJson(value);
  if (found !== undefined)
    ctx.addIssue({
      code: 'custom',
      path: found.path,
      message: `${found.what} is not JSON: use a string, a finite number, a boolean, null, an array or a plain object`,
    });
});

/** A run id names a folder: letters, digits, `.`, `_` and `-`, starting with a letter or digit. */
export const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
export const RunIdSchema = z
  .string()
  .regex(
    RUN_ID_PATTERN,
    'a run id is 1–128 letters, digits, ".", "_" or "-", starting with a letter or digit',
  );

const Name = z.string().min(1);
const DurationMs = z.number().nonnegative();
const Attempt = z.int().min(1);
const Metrics = z.record(z.string(), z.number());
/** Tokens a model read for this event: instructions delivered, tool results (o200k count). */
const Tokens = z.int().min(0).optional();

/** What is kept of an error: enough to show it and to tell kinds apart, never a stack. */
export const ErrorInfoSchema = z.strictObject({
  name: z.string(),
  message: z.string(),
  /** The error's string `code` (`TTA_TIMEOUT`, `ENOENT`…), when it has one. */
  code: z.string().optional(),
});
export type ErrorInfo = z.infer<typeof ErrorInfoSchema>;

const event = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.strictObject({ type: z.literal(type), ...shape });

// The payloads, as `append` takes them: without seq, time and runId, which the store assigns.
/** Where a run's OpenTelemetry trace is: its trace id and the id of the run's span (W3C hex). */
export const TraceRefSchema = z.strictObject({
  traceId: z.string().regex(/^[0-9a-f]{32}$/, 'a trace id is 32 lowercase hex digits'),
  spanId: z.string().regex(/^[0-9a-f]{16}$/, 'a span id is 16 lowercase hex digits'),
});
export type TraceRef = z.infer<typeof TraceRefSchema>;

const RunStarted = event('run_started', {
  workflow: Name,
  inputs: z.record(z.string(), JsonValueSchema),
  /** Every persona the workflow uses, in stage order. */
  personas: z.array(Name),
  /** The run's trace, when telemetry was on: a resumed run continues it, the journal links to it. */
  trace: TraceRefSchema.optional(),
});
/** A drive of the run after its first: `tta workflow resume`, a worker taking it over. */
const RunResumed = event('run_resumed', {
  /** Who drives it now (the lease owner). */
  by: Name,
});
/**
 * A resume told to go back (`tta workflow resume --from`): the steps and gates named run again,
 * from a clean slate (their outcomes, outputs and verdicts are forgotten by the fold).
 */
const RunRewound = event('run_rewound', {
  /** The stage, step or gate the user named. */
  from: Name,
  /** The stages run again, whole or from the step: none of them counts as completed any more. */
  stages: z.array(Name).min(1),
  /** The steps run again, in order. */
  steps: z.array(Name),
  by: Name,
});
const StageStarted = event('stage_started', { stage: Name, persona: Name, tokens: Tokens });
/** `null` is "no active persona" (before the first stage, or after the run when none was). */
const PersonaSwitched = event('persona_switched', {
  from: Name.nullable(),
  to: Name.nullable(),
});
/**
 * `kind` is kept open (a string, not the definition's enum) so that a log written by a later
 * version with a new kind of step still reads.
 */
const StepStarted = event('step_started', {
  stage: Name,
  step: Name,
  kind: Name,
  attempt: Attempt,
});
const StepSucceeded = event('step_succeeded', {
  stage: Name,
  step: Name,
  output: JsonValueSchema,
  durationMs: DurationMs,
  /** Done by the engine itself, not by an assistant or a person: counts towards the automation ratio. */
  automated: z.boolean(),
  tokens: Tokens,
  /**
   * The memory key its output also goes to. (A `memory` step's output, an object, is merged into
   * the run memory: the fold knows the step's kind from `step_started`.)
   */
  saveAs: Name.optional(),
});
/** A step whose `when` was false: it did nothing, and counts as neither done nor failed. */
const StepSkipped = event('step_skipped', {
  stage: Name,
  step: Name,
  /** The condition, as written. */
  when: z.string(),
});
const StepFailed = event('step_failed', {
  stage: Name,
  step: Name,
  error: ErrorInfoSchema,
  attempt: Attempt,
});
/** An `agent` step is waiting for an assistant or a person; the run is suspended until then. */
const StepSuspended = event('step_suspended', {
  stage: Name,
  step: Name,
  instructions: z.string(),
  expected: JsonValueSchema,
  tokens: Tokens,
  /** The memory key its output goes to when it is completed. */
  saveAs: Name.optional(),
});
/** A suspended step completed from outside (`tta workflow complete`, the gateway, the plugin). */
const StepCompleted = event('step_completed', {
  stage: Name,
  step: Name,
  output: JsonValueSchema,
  note: z.string().optional(),
  /** Who completed it: an assistant, a person, a tool. */
  by: Name,
  /** What the assistant spent on it, as the gateway counted. */
  tokens: Tokens,
});
const GatePassed = event('gate_passed', {
  stage: Name,
  gate: Name,
  reason: z.string(),
  metrics: Metrics,
});
const GateFailed = event('gate_failed', {
  stage: Name,
  gate: Name,
  reason: z.string(),
  metrics: Metrics,
});
const Decision = event('decision', { stage: Name.optional(), text: z.string().min(1), by: Name });
const Learning = event('learning', { stage: Name.optional(), text: z.string().min(1), by: Name });
/**
 * A page the workflow asks for (release notes, an incident, a post-mortem), written by a `journal`
 * step with `page:`; the journal puts it under the run's page.
 */
const JournalPage = event('journal_page', {
  stage: Name,
  step: Name,
  title: z.string().trim().min(1),
  /** Markdown. */
  content: z.string(),
});
const StageCompleted = event('stage_completed', { stage: Name, durationMs: DurationMs });
const RunCompleted = event('run_completed', {
  durationMs: DurationMs,
  /** Duration, automation ratio, gates, tokens, persona time…: whatever the engine measures. */
  metrics: z.record(z.string(), JsonValueSchema),
});
const RunFailed = event('run_failed', {
  stage: Name.optional(),
  step: Name.optional(),
  error: ErrorInfoSchema,
});
const RunCancelled = event('run_cancelled', { reason: z.string() });
/**
 * The run waits for a worker (`tta worker`) to drive it: recorded by `tta workflow run --queue`,
 * by a drive handing the run back before a stage whose `runsOn` labels it does not offer or when
 * its worker stops, and when an agent step was completed. Nobody holds its lease meanwhile.
 */
const RunQueued = event('run_queued', {
  /** The labels a worker must offer to take it (the next stage's `runsOn`); `[]` for any worker. */
  needs: z.array(Name),
  /** Who queued it: a command, a worker handing it back, whoever completed a step. */
  by: Name,
  /** Why, for people: "queued", "stage deploy runs on deploy", "worker stopping". */
  reason: z.string().optional(),
});

const payloads = [
  RunStarted,
  RunResumed,
  RunRewound,
  StageStarted,
  PersonaSwitched,
  StepStarted,
  StepSucceeded,
  StepSkipped,
  StepFailed,
  StepSuspended,
  StepCompleted,
  GatePassed,
  GateFailed,
  Decision,
  Learning,
  JournalPage,
  StageCompleted,
  RunCompleted,
  RunFailed,
  RunCancelled,
  RunQueued,
] as const;

/** An event as given to `RunStore.append`: the payload, without `seq`, `time` and `runId`. */
export const RunEventInputSchema = z.discriminatedUnion('type', payloads);
export type RunEventInput = z.infer<typeof RunEventInputSchema>;
/** The input of one type: `RunEventInputOf<'step_failed'>`. */
export type RunEventInputOf<T extends RunEventType> = Extract<RunEventInput, { type: T }>;

/** Every kind of run event. */
export type RunEventType = RunEventInput['type'];
export const RUN_EVENT_TYPES = payloads.map((p) => p.shape.type.value) as readonly RunEventType[];

/** What the store adds to every event. */
export const RunEventEnvelopeSchema = z.strictObject({
  /** 1-based position of the event in its run; no gaps. */
  seq: z.int().min(1),
  /** When it was appended, ISO 8601 in UTC. */
  time: z.iso.datetime(),
  runId: RunIdSchema,
});
export type RunEventEnvelope = z.infer<typeof RunEventEnvelopeSchema>;

type WithEnvelope<E> = E extends unknown
  ? { [K in keyof (RunEventEnvelope & E)]: (RunEventEnvelope & E)[K] }
  : never;
/** An event as stored and read back: envelope first, then the payload. */
export type RunEvent = WithEnvelope<RunEventInput>;
/** The stored event of one type: `RunEventOf<'step_failed'>`. */
export type RunEventOf<T extends RunEventType> = Extract<RunEvent, { type: T }>;

/**
 * Validates a stored event (a line of a run log). Built by extending each payload with the
 * envelope; TypeScript cannot follow a `map` over the tuple, hence the declared type.
 */
export const RunEventSchema: z.ZodType<RunEvent> = z.discriminatedUnion(
  'type',
  payloads.map((p) => p.extend(RunEventEnvelopeSchema.shape)) as unknown as readonly [
    typeof RunStarted,
    ...(typeof RunStarted)[],
  ],
) as unknown as z.ZodType<RunEvent>;
