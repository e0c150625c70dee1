import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Memory } from '@tta-dev/core';
import { RUN_ID_PATTERN } from '@tta-dev/workflows';
import { textResult as text } from './toolResult.js';

/** The namespace of the memory tools without a `run` argument: the gateway's own. */
export const GATEWAY_MEMORY_NAMESPACE = 'gateway';

/**
 * The gateway's `memory_add`, `memory_get` and `memory_search` over `memory` (the shared memory's
 * root), shared by every persona: namespace `gateway`, or with a `run` argument the namespace
 * `run:<id>` where a workflow run keeps what its steps put in memory (read only: a run's memory
 * is written by the run alone). Entries are tagged with the persona that wrote them.
 */
export async function callMemoryTool(
  name: 'memory_add' | 'memory_get' | 'memory_search',
  args: Record<string, unknown>,
  memory: Memory,
  persona: string | undefined,
): Promise<CallToolResult> {
  if (args.run !== undefined && name === 'memory_add')
    return text(
      'memory_add cannot write to a run\'s memory: a run keeps there what its own steps saved; leave out "run" to store in the shared memory',
      true,
    );
  if (args.run !== undefined && (typeof args.run !== 'string' || !RUN_ID_PATTERN.test(args.run)))
    return text(
      `${name}: "run" must be a run id (letters, digits, ".", "_", "-"), as workflow_status lists them`,
      true,
    );
  const where = memory.namespace(
    typeof args.run === 'string' ? `run:${args.run}` : GATEWAY_MEMORY_NAMESPACE,
  );
  switch (name) {
    case 'memory_add': {
      if (typeof args.key !== 'string' || !('value' in args))
        return text('memory_add needs "key" and "value"', true);
      const tags = Array.isArray(args.tags)
        ? args.tags.filter((t): t is string => typeof t === 'string')
        : [];
      await where.add(args.key, args.value, {
        tags: [...tags, ...(persona === undefined ? [] : [persona])],
        ...(typeof args.ttlMs === 'number' ? { ttlMs: args.ttlMs } : {}),
      });
      return text(`stored "${args.key}"`);
    }
    case 'memory_get': {
      if (typeof args.key !== 'string') return text('memory_get needs a "key" string', true);
      const found = await where.has(args.key);
      const place = typeof args.run === 'string' ? ` in run ${args.run}` : '';
      return found
        ? text({ key: args.key, value: await where.get(args.key) })
        : text(`no memory under "${args.key}"${place}`, true);
    }
    case 'memory_search': {
      const keywords = Array.isArray(args.keywords)
        ? args.keywords.map(String)
        : typeof args.keywords === 'string'
          ? [args.keywords]
          : [];
      if (keywords.length === 0) return text('memory_search needs "keywords"', true);
      return text(
        await where.search(keywords, typeof args.limit === 'number' ? { limit: args.limit } : {}),
      );
    }
  }
}
