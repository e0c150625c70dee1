import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { ANY_JSON_TYPE } from './builtinTools.js';

/**
 * The definitions of the tools that let an assistant take part in workflow runs of the project: see what waits for it,
 * complete an `agent` step, and record a decision or learning in the run's journal.
 */
export const WORKFLOW_TOOLS: readonly Tool[] = [
  {
    name: 'workflow_runs',
    description:
      'Workflow runs of this project: status, current stage, and the agent steps waiting for an assistant with their instructions. Pass "run" for one run\'s step outputs too.',
    inputSchema: {
      type: 'object',
      properties: { run: { type: 'string', description: 'A run id' } },
    },
  },
  {
    name: 'workflow_complete_step',
    description:
      'Complete an agent step of a workflow run with its result; the run continues with "tta workflow resume <run>".',
    inputSchema: {
      type: 'object',
      properties: {
        run: { type: 'string' },
        step: { type: 'string' },
        output: {
          type: [...ANY_JSON_TYPE],
          description: 'The result the step asked for (any JSON value)',
        },
        note: { type: 'string', description: 'How it was done, for the journal' },
      },
      required: ['run', 'step', 'output'],
    },
  },
  {
    name: 'journal_record',
    description:
      "Record a decision or a learning in a workflow run's journal (it becomes a #decision or #learning block on the run's Logseq pages).",
    inputSchema: {
      type: 'object',
      properties: {
        run: { type: 'string' },
        kind: { type: 'string', enum: ['decision', 'learning'] },
        text: { type: 'string' },
        stage: { type: 'string', description: 'The stage it belongs to; default: the current one' },
      },
      required: ['run', 'kind', 'text'],
    },
  },
];

export const WORKFLOW_TOOL_NAMES = new Set(WORKFLOW_TOOLS.map((t) => t.name));
