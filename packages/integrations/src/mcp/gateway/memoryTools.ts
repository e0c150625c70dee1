import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Memory } from '@tta-dev/core';
import { textResult as text } from './toolResult.js';

/**
 * The gateway's `memory_add`, `memory_get` and `memory_search` over `memory`, shared by every
 * persona; entries are tagged with the persona that wrote them.
 */
export async function callMemoryTool(
  name: 'memory_add' | 'memory_get' | 'memory_search',
  args: Record<string, unknown>,
  memory: Memory,
  persona: string | undefined,
): Promise<CallToolResult> {
  switch (name) {
    case 'memory_add': {
      if (typeof args.key !== 'string' || !('value' in args))
        return text('memory_add needs "key" and "value"', true);
      const tags = Array.isArray(args.tags)
        ? args.tags.filter((t): t is string => typeof t === 'string')
        : [];
      await memory.add(args.key, args.value, {
        tags: [...tags, ...(persona === undefined ? [] : [persona])],
        ...(typeof args.ttlMs === 'number' ? { ttlMs: args.ttlMs } : {}),
      });
      return text(`stored "${args.key}"`);
    }
    case 'memory_get': {
      if (typeof args.key !== 'string') return text('memory_get needs a "key" string', true);
      const found = await memory.has(args.key);
      return found
        ? text({ key: args.key, value: await memory.get(args.key) })
        : text(`no memory under "${args.key}"`, true);
    }
    case 'memory_search': {
      const keywords = Array.isArray(args.keywords)
        ? args.keywords.map(String)
        : typeof args.keywords === 'string'
          ? [args.keywords]
          : [];
      if (keywords.length === 0) return text('memory_search needs "keywords"', true);
      return text(
        await memory.search(keywords, typeof args.limit === 'number' ? { limit: args.limit } : {}),
      );
    }
  }
}
