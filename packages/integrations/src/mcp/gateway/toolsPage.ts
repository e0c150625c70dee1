import {
  ErrorCode,
  type ListToolsResult,
  McpError,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';

/** One page of a tool list and the cursor of the next, absent on the last page. */
export type ToolsPage = ListToolsResult & { tools: Tool[]; nextCursor?: string };

/**
 * The page of `tools` that `cursor` points at (the first without one). A cursor is opaque to
 * clients (base64url of the offset of the page); one this function did not make is a JSON-RPC
 * InvalidParams error (-32602), as the MCP spec asks.
 */
export function toolsPage(
  tools: readonly Tool[],
  cursor: string | undefined,
  pageSize: number,
): ToolsPage {
  const offset = cursor === undefined ? 0 : offsetOf(cursor);
  const end = offset + pageSize;
  return {
    tools: tools.slice(offset, end),
    ...(end < tools.length ? { nextCursor: cursorOf(end) } : {}),
  };
}

const cursorOf = (offset: number) => Buffer.from(`tools:${offset}`).toString('base64url');

function offsetOf(cursor: string): number {
  const match = /^tools:([1-9]\d{0,9})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (match === null || cursorOf(Number(match[1])) !== cursor)
    throw new McpError(
      ErrorCode.InvalidParams,
      `invalid cursor "${cursor}": pass the nextCursor of the previous tools/list, or none for the first page`,
    );
  return Number(match[1]);
}
