import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// The published filesystem MCP server, installed for integrations' tests.
const integrations = createRequire(
  createRequire(import.meta.url).resolve('@tta-dev/integrations/package.json'),
);
const manifest = integrations.resolve('@modelcontextprotocol/server-filesystem/package.json');

/** The script of the published filesystem MCP server (run it with `node`). */
export const filesystemServerBin = join(
  dirname(manifest),
  Object.values((integrations(manifest) as { bin: Record<string, string> }).bin)[0]!,
);
