import { parse } from '../args.js';
import { usageError } from '../CliError.js';
import { colors, type Io, printJson, println } from '../Io.js';
import { loadRegistry, resolveOrFail, sourceLabel } from './_registry.js';

export const showHelp = `Usage: tta-persona show <name> [--json]

Prints everything a persona allows: servers and tool patterns, restricted paths, environment
rules, actions that need approval, context and workflows.

Options:
  --json   print the persona (defaults applied) and its source as JSON
  -h, --help`;

export async function show(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parse('tta-persona show', argv, { json: { type: 'boolean' } });
  if (values.help) {
    println(io, showHelp);
    return 0;
  }
  if (positionals.length !== 1)
    throw usageError(`tta-persona show: expected one persona name\n\n${showHelp}`);
  const loaded = resolveOrFail(await loadRegistry(io), positionals[0]!);
  const p = loaded.persona;
  if (values.json) {
    printJson(io, { ...p, source: loaded.source, overrides: loaded.overrides });
    return 0;
  }
  const c = colors(io);
  const listOf = (items: readonly string[]) =>
    items.length === 0 ? c.dim('none') : items.join(', ');
  const lines = [
    `${p.icon} ${c.bold(p.displayName)} ${c.dim(`(${p.name})`)}`,
    p.description,
    '',
    `${c.bold('Aliases')}        ${listOf(p.aliases)}`,
    `${c.bold('Chat modes')}     ${listOf(p.chatmodes)}`,
    `${c.bold('Token budget')}   ${p.tokenBudget}`,
    `${c.bold('Source')}         ${sourceLabel(loaded)}${loaded.overrides.length > 0 ? c.dim(` (overrides ${loaded.overrides.map((o) => o.file ?? 'built-in').join(', ')})`) : ''}`,
    '',
    c.bold('Servers and tools'),
    ...p.allowedServers.map(
      (s) =>
        `  ${s}: ${p.allowedTools[s] === undefined ? 'all tools' : p.allowedTools[s]!.join(', ')}`,
    ),
    '',
    `${c.bold('Restricted paths')}      ${listOf(p.restrictedPaths)}`,
    `${c.bold('Environment allowed')}   ${listOf(p.security.allowEnvironmentAccess)}`,
    `${c.bold('Environment blocked')}   ${listOf(p.security.blockList)}`,
    `${c.bold('Needs approval')}        ${listOf(p.security.requireApprovalFor)}`,
    '',
    `${c.bold('Language')}       ${p.context.primaryLanguage ?? c.dim('none')}`,
    `${c.bold('Frameworks')}     ${listOf(p.context.frameworks)}`,
    `${c.bold('Focus')}          ${listOf(p.context.focusAreas)}`,
    `${c.bold('Key files')}      ${listOf(p.context.keyFiles)}`,
    `${c.bold('Workflows')}      ${listOf(p.workflows.available)}${p.workflows.default ? c.dim(` (default ${p.workflows.default})`) : ''}`,
  ];
  println(io, lines.join('\n'));
  return 0;
}
