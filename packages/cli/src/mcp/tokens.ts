import { listAllTools, loadMcpServers, personaToolCosts } from '@tta-dev/integrations';
import { parse } from '../args.js';
import { colors, eprintln, type Io, printJson, println } from '../Io.js';
import { homeOf, loadRegistry } from '../persona/_registry.js';
import { table } from '../table.js';

export const tokensHelp = `Usage: tta mcp tokens [--config FILE] [--json]

Starts every server of the MCP servers file once, lists its tools, and prints what each
persona's tool list costs in tokens against the unscoped list of all tools: the saving that
personas exist for, and whether each fits its token budget.

Options:
  --config FILE   the MCP servers file to use (default: as tta mcp serve finds it)
  --json          print the figures as JSON
  -h, --help`;

export async function tokens(argv: readonly string[], io: Io): Promise<number> {
  const { values } = parse('tta mcp tokens', argv, {
    config: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (values.help) {
    println(io, tokensHelp);
    return 0;
  }
  const servers = await loadMcpServers({
    cwd: io.cwd,
    home: homeOf(io),
    env: io.env,
    ...(values.config === undefined ? {} : { file: values.config }),
  });
  const registry = await loadRegistry(io);
  const personas = registry.list().map((l) => l.persona);
  // Listing needs no secrets: servers get only their own env from the file (and the SDK's
  // defaults: PATH, HOME...).
  const catalog = await listAllTools(servers.mcpServers);
  const costs = await personaToolCosts(personas, catalog);
  if (values.json) {
    printJson(io, { file: servers.file, failed: catalog.failed, ...costs });
    return 0;
  }
  const c = colors(io);
  for (const [server, reason] of Object.entries(catalog.failed))
    eprintln(io, `${c.yellow('!')} ${server} did not start: ${reason}`);
  println(
    io,
    table(
      ['PERSONA', 'TOOLS', 'TOKENS', 'OF ALL', 'BUDGET'],
      [
        ...costs.personas.map((p) => [
          p.persona,
          String(p.tools),
          String(p.tokens),
          `${Math.round(p.share * 100)}%`,
          `${p.tokenBudget}${p.overBudget ? c.red(' (over)') : ''}`,
        ]),
        [
          c.dim('(all tools, unscoped)'),
          String(costs.unscoped.tools),
          String(costs.unscoped.tokens),
          '100%',
          '',
        ],
      ],
    ),
  );
  return 0;
}
