import { join } from 'node:path';

/**
 * Files that configure the gateway, the assistant or what runs the assistant's work, wherever
 * they are: writing one would start an injected server, lift a persona's restrictions, forge a
 * run's ledger, or run code at the next git command. No persona can lift these.
 */
export const PROTECTED_PATHS: readonly string[] = [
  '**/.hypertool/**', // mcp_servers.json, personas, config.json (the active persona)
  '**/.tta/workflows/**',
  '**/.tta/runs/**', // the runs' event logs: only run commands append
  '**/.mcp.json',
  '**/.claude.json',
  '**/.claude/**',
  '**/.vscode/mcp.json',
  '**/.vscode/settings.json',
  '**/.cursor/**',
  '**/.git/hooks/**',
  '**/.git/config',
];

export interface ProtectedPathsOptions {
  /** The user's home folder (VS Code's user folder lies below it). */
  readonly home: string;
  /** Where the active persona and the user's personas live (`TTA_HOME`). */
  readonly ttaHome: string;
  /** Other files or folders that configure this gateway: its servers file, persona folders. */
  readonly also?: readonly string[];
}

/** `PROTECTED_PATHS` with this machine's folders: TTA_HOME, VS Code's user folder, `also`. */
export function protectedPaths(options: ProtectedPathsOptions): string[] {
  const vscodeUser = [
    join(options.home, '.config/Code/User'),
    join(options.home, 'Library/Application Support/Code/User'),
  ];
  return [
    ...PROTECTED_PATHS,
    `${options.ttaHome}/**`,
    ...vscodeUser.flatMap((folder) => [`${folder}/mcp.json`, `${folder}/settings.json`]),
    ...(options.also ?? []),
  ].map(escapeGlob);
}

/** Folder names may hold glob characters (`Application Support` does not, `C++` might). */
function escapeGlob(pattern: string): string {
  return pattern.startsWith('**/') ? pattern : pattern.replace(/[()[\]{}!?+@]/g, '\\$&');
}
