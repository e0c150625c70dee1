import { describe, expect, it } from 'vitest';
import { ttaHelp } from './main.js';
import { commandNames as mcpCommands, mcpHelp } from './mcp/mcpCommand.js';
import { commandNames as personaCommands, personaHelp } from './persona/personaCommand.js';
import { commandNames as workflowCommands, workflowHelp } from './workflow/workflowCommand.js';

/** The words listed after `tta <command>` in `tta --help`, over its continuation lines. */
function listedBy(command: string): string[] {
  const lines = ttaHelp.split('\n');
  let at = lines.findIndex((line) => line.startsWith(`  ${command} `));
  let text = lines[at]!;
  while (/^ {14}\S/.test(lines[at + 1] ?? '')) text += ` ${lines[++at]}`;
  return text
    .slice(text.lastIndexOf(':') + 1)
    .split(/[\s,]+/)
    .filter(Boolean);
}

/** The commands a command's own help lists, first word of each line under "Commands:". */
function commandsOf(help: string): string[] {
  const block = help.split('Commands:\n')[1]!.split('\n\n')[0]!.split('\n');
  return block.filter((line) => /^ {2}\S/.test(line)).map((line) => line.trim().split(' ')[0]!);
}

describe('the help lists every command there is, and no other', () => {
  it.each([
    ['workflow', workflowCommands, workflowHelp],
    ['persona', personaCommands, personaHelp('tta persona')],
    ['mcp', mcpCommands, mcpHelp],
  ] as const)('tta %s', (command, names, help) => {
    expect(listedBy(command)).toEqual(names);
    expect(commandsOf(help)).toEqual(names);
  });
});

describe('tta worker --help', () => {
  it('is listed by tta --help and names every option the command takes', async () => {
    const { workerHelp } = await import('./worker/workerCommand.js');
    expect(ttaHelp).toMatch(/^ {2}worker {6}\S/m);
    for (const option of [
      '--labels',
      '--concurrency',
      '--lease-ms',
      '--grace-ms',
      '--once',
      '--json',
    ])
      expect(workerHelp).toContain(option);
  });
});
