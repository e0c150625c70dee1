import { createStepKinds, loadMcpServers, toolStepRunner } from '@tta-dev/integrations';
import type { PersonaRegistry } from '@tta-dev/personas';
import { PersonaScopes } from '@tta-dev/personas';
import {
  detectProject,
  type EngineOptions,
  type OpenedRunStore,
  type RunEvent,
  type RunResult,
  type Step,
  WorkerLabelSchema,
  type WorkflowDefinition,
  WorkflowEngine,
} from '@tta-dev/workflows';
import { usageError } from '../CliError.js';
import { eprintln, type Io } from '../Io.js';
import { homeOf } from '../persona/_registry.js';
import { openSharedMemory } from '../sharedMemory.js';
import { projectRootOf, runStoreOf } from './_runStore.js';

/**
 * Gives `work` an engine for the project (`projectRootOf`) with integrations' step kinds, and stops
 * the MCP servers that `tool` steps started (from the project's mcp_servers.json, read at the
 * first tool step) when the work is done.
 */
export async function withEngine<T>(
  io: Io,
  registry: PersonaRegistry,
  onEvent: (event: RunEvent) => void,
  work: (engine: WorkflowEngine) => Promise<T>,
  /** The run store; `tta serve` passes its own, so that its writes and the engine's stay in order. */
  store: OpenedRunStore = runStoreOf(io),
  /** Placement and lease of the drives (`--labels`, `tta worker`). */
  placement: Pick<EngineOptions, 'labels' | 'handBack' | 'owner' | 'leaseTtlMs'> = {},
): Promise<T> {
  const cwd = projectRootOf(io);
  const tools = toolStepRunner({
    servers: async () => (await loadToolServers(io)).mcpServers,
    registry,
    env: io.env,
    cwd,
    log: (level, message) => {
      if (level !== 'debug') eprintln(io, `[tta mcp] ${level}: ${message}`);
    },
  });
  // A run switches its own persona scope, never the user's nor another run's.
  const scopes = new PersonaScopes({ home: homeOf(io), project: cwd });
  // A config.json that cannot be read (a folder, corrupt) stops the command before the run starts.
  await scopes.user.read();
  sayWhoHoldsTheProject(io, scopes);
  // Where the run's memory is shared with other sessions (namespace run:<id>), when configured.
  const shared = await openSharedMemory(cwd, io.env);
  const engine = new WorkflowEngine({
    store,
    registry,
    personaStore: (runId) => scopes.runScope(runId),
    cwd,
    env: io.env,
    project: detectProject(cwd),
    kinds: createStepKinds({ env: io.env, tool: tools.run }),
    onEvent,
    ...(io.signal === undefined ? {} : { signal: io.signal }),
    ...(shared === undefined
      ? {}
      : {
          memory: shared.memory,
          onMemoryError: (error: unknown) =>
            eprintln(io, `warning: ${(error as Error).message ?? String(error)} (the run goes on)`),
        }),
    ...placement,
  });
  try {
    return await work(engine);
  } finally {
    await tools.close();
    await shared?.close();
  }
}

/** The runs each command (its `Io`) has told of already: a worker drives many runs. */
const toldOf = new WeakMap<Io, Set<string>>();

/**
 * Tells a run started beside others in the same project what they hold: each run keeps its own
 * persona scope (nothing waits), and the project's persona, which gateways of the project follow,
 * is that of the stage started last. Once per run and command: `tta worker` drives one run after
 * another beside the same live runs, and said it at every drive.
 */
function sayWhoHoldsTheProject(io: Io, scopes: PersonaScopes): void {
  const told = toldOf.get(io) ?? new Set<string>();
  toldOf.set(io, told);
  for (const { runId, persona } of scopes.liveRuns()) {
    if (told.has(runId)) continue;
    told.add(runId);
    eprintln(
      io,
      `run ${runId} holds the project's persona (stage ${persona.run?.stage ?? '?'}, persona ${persona.name}): this run keeps its own persona scope, and the project's follows the stage started last.`,
    );
  }
}

const loadToolServers = (io: Io) =>
  loadMcpServers({ cwd: projectRootOf(io), home: homeOf(io), env: io.env });

/**
 * Reads and checks the MCP servers file when the workflow has a `tool` step (a fallback's too),
 * so that a missing or invalid file stops the run before it starts, not at its first tool step.
 */
export async function checkToolServers(io: Io, workflow: WorkflowDefinition): Promise<void> {
  const usesTools = (step: Step): boolean =>
    step.kind === 'tool' || (step.fallback ?? []).some(usesTools);
  if (workflow.stages.some((stage) => stage.steps.some(usesTools))) await loadToolServers(io);
}

/**
 * The labels of `--labels a,b` (`tta worker`, `tta workflow run`, `resume`): checked, each once;
 * `undefined` when the option is not given (every label is offered).
 */
export function labelsOption(command: string, value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const labels = [
    ...new Set(
      value
        .split(',')
        .map((l) => l.trim())
        .filter(Boolean),
    ),
  ];
  for (const label of labels)
    if (!WorkerLabelSchema.safeParse(label).success)
      throw usageError(
        `${command}: --labels: "${label}" is not a label (1–64 letters, digits, ".", "_" or "-", starting with a letter or digit)`,
      );
  return labels;
}

/** Exit code of a finished drive: 0 completed or suspended (waiting is not failing), 1 otherwise. */
export function reportResult(io: Io, result: RunResult): number {
  if (result.status === 'suspended') {
    const waiting = [...result.events].reverse().find((e) => e.type === 'step_suspended');
    if (waiting?.type === 'step_suspended') {
      eprintln(
        io,
        `Run ${result.runId} waits for step "${waiting.step}". When it is done:\n  tta workflow complete ${result.runId} ${waiting.step} --output '"…"' && tta workflow resume ${result.runId}`,
      );
    }
    return 0;
  }
  if (result.status === 'failed' || result.status === 'gate_failed') {
    const hint = howToGoOn(result);
    if (hint !== undefined) eprintln(io, hint);
  }
  return result.status === 'completed' ? 0 : 1;
}

/** What to type once the cause of a failure is fixed: the same run goes on, no new run. */
function howToGoOn({ runId, events }: RunResult): string | undefined {
  const stop = [...events]
    .reverse()
    .find((e) => e.type === 'run_failed' || e.type === 'gate_failed');
  if (stop?.type === 'gate_failed')
    return `Run ${runId} stopped at gate "${stop.gate}" (stage ${stop.stage}). Once fixed:\n  tta workflow resume ${runId} --from ${stop.gate}   # the steps it reads, then the gate, and on`;
  if (stop?.type !== 'run_failed' || stop.step === undefined || stop.stage === undefined)
    return undefined;
  // An interrupted step that must not run twice says itself how to settle it.
  if (stop.error.name === 'InterruptedStepError') return undefined;
  return `Run ${runId} stopped at step "${stop.step}" (stage ${stop.stage}). Once fixed:\n  tta workflow resume ${runId}   # runs ${stop.step} again and goes on\n  tta workflow resume ${runId} --from ${stop.stage}   # or the whole stage again`;
}
