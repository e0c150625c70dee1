import type { Tool } from '@modelcontextprotocol/sdk/types.js';

/** The JSON Schema `type` of a property that takes any JSON value (clients want a type on each). */
export const ANY_JSON_TYPE = ['string', 'number', 'boolean', 'object', 'array', 'null'] as const;

/** The memory tools' `run` argument: a run whose memory (namespace `run:<id>`) is read. */
const RUN_PROPERTY = {
  type: 'string',
  description: 'A workflow run id: read the memory of that run (what its steps saved) instead',
} as const;

/** Tools the gateway offers itself, whatever the persona: switching hats and shared memory. */
export const BUILTIN_TOOLS: readonly Tool[] = [
  {
    name: 'persona_current',
    description: 'The active persona: name, servers, token budget and what it is for.',
    inputSchema: { type: 'object', properties: {} },
  },
  {
    name: 'persona_list',
    description: 'Every persona that can be switched to, with aliases and servers.',
    inputSchema: { type: 'object', properties: {} },
  },
  {
    name: 'persona_switch',
    description:
      "Switch the active persona (by name, alias or chat mode), e.g. when a workflow stage asks for another role. The tool list changes to the new persona's tools.",
    inputSchema: {
      type: 'object',
      properties: {
        persona: { type: 'string', description: 'Name, alias (backend, obs, ds...) or chat mode' },
      },
      required: ['persona'],
    },
  },
  {
    name: 'memory_add',
    description:
      'Store a value in the memory shared by all personas, so the next stage can use it.',
    inputSchema: {
      type: 'object',
      properties: {
        key: { type: 'string' },
        value: { type: [...ANY_JSON_TYPE], description: 'Any JSON value' },
        tags: { type: 'array', items: { type: 'string' } },
        ttlMs: { type: 'number', description: 'Forget it after this many milliseconds' },
      },
      required: ['key', 'value'],
    },
  },
  {
    name: 'memory_get',
    description:
      'Read a value from the shared memory by key; with "run", from that workflow run\'s memory (what its steps saved).',
    inputSchema: {
      type: 'object',
      properties: { key: { type: 'string' }, run: RUN_PROPERTY },
      required: ['key'],
    },
  },
  {
    name: 'memory_search',
    description:
      'Find shared memory entries whose key, tags or value contain any keyword ("*" for all), newest first; with "run", in that workflow run\'s memory.',
    inputSchema: {
      type: 'object',
      properties: {
        keywords: { type: 'array', items: { type: 'string' } },
        limit: { type: 'number' },
        run: RUN_PROPERTY,
      },
      required: ['keywords'],
    },
  },
];

export const BUILTIN_NAMES = new Set(BUILTIN_TOOLS.map((t) => t.name));
