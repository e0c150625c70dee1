import { defineStepKind, mergeStepKinds, type StepKind } from '../definition/StepKind.js';
import {
  AgentFields,
  JournalFields,
  MemoryFields,
  RunFields,
  STANDARD_STEP_KINDS,
} from '../definition/standardStepKinds.js';
import { withErrorOutput } from './firstErrorLine.js';
import { runCommand } from './runCommand.js';

/** `run`: a shell command in its process group, failing on an exit code other than expected. */
const runKind = defineStepKind({
  kind: 'run',
  fields: RunFields,
  run: async (step, ctx) => {
    const command = String(step.run);
    const result = await runCommand(command, {
      cwd: step.cwd === undefined ? ctx.cwd : String(step.cwd),
      env: { ...ctx.env, ...step.env },
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      ...(ctx.trackProcess ? { onSpawn: ctx.trackProcess } : {}),
    });
    if (result.exitCode !== step.expectExitCode) {
      // The error itself on the first line (progress shows that one), then the output's end.
      throw Object.assign(
        new Error(
          withErrorOutput(
            `\`${command}\` exited ${result.exitCode} (expected ${step.expectExitCode})`,
            result.stderr || result.stdout,
          ),
        ),
        { name: 'CommandFailedError' },
      );
    }
    return result;
  },
});

/** `agent`: never run; the engine suspends the run on it until the step is completed. */
const agentKind = defineStepKind({
  kind: 'agent',
  fields: AgentFields,
  run: async () => {
    throw new Error('agent steps suspend the run; they are not executed');
  },
});

/** `memory`: its rendered keys are the output, which the engine also sets in the run memory. */
const memoryKind = defineStepKind({
  kind: 'memory',
  fields: MemoryFields,
  run: async (step) => step.memory,
});

/** `journal`: a decision, a learning and/or a page, written through `note`. */
const journalKind = defineStepKind({
  kind: 'journal',
  fields: JournalFields,
  run: async (step, ctx) => {
    const text = (t: unknown) => (t === undefined ? undefined : String(t));
    const { decision: d, learning: l, page } = step.journal;
    const decision = text(d);
    const learning = text(l);
    if (decision !== undefined) await ctx.note?.({ type: 'decision', text: decision });
    if (learning !== undefined) await ctx.note?.({ type: 'learning', text: learning });
    const title = page === undefined ? undefined : text(page.title)!.trim();
    if (page !== undefined && title) {
      // Text as is; anything else (a command's result…) as a JSON block.
      const content: unknown = page.content ?? '';
      await ctx.note?.({
        type: 'journal_page',
        title,
        content:
          typeof content === 'string'
            ? content
            : `\`\`\`json\n${JSON.stringify(content, null, 2)}\n\`\`\``,
      });
    }
    return { decision: decision ?? null, learning: learning ?? null, page: title ?? null };
  },
});

/**
 * The standard kinds with the engine's own runs (run, agent, memory, journal); the others
 * (tool, code, promql, logql, git, github) get theirs from the application (integrations).
 */
export const BUILTIN_STEP_KINDS: readonly StepKind[] = mergeStepKinds(STANDARD_STEP_KINDS, [
  runKind,
  agentKind,
  memoryKind,
  journalKind,
]);
