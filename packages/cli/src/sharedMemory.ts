import type { Memory } from '@tta-dev/core';
import { memorySettingOf, openMemoryBackend } from '@tta-dev/integrations/gateway';

/** The shared memory a command opened, and how to let it go. */
export interface SharedMemory {
  readonly memory: Memory;
  /** Where it is, its password replaced by `***`. */
  readonly where: string;
  close(): Promise<void>;
}

/**
 * The memory shared beyond this process that `TTA_MEMORY` or the project's `.tta/project.json`
 * configures (Redis, PostgreSQL), opened; undefined for the in-process default, which the
 * commands make themselves when they need it (nothing is loaded for it). A bad setting is an
 * `InvalidMemoryConfigError` (exit 2); a server that cannot be reached a `MemoryBackendError`.
 */
export async function openSharedMemory(
  cwd: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<SharedMemory | undefined> {
  const setting = memorySettingOf({ cwd, env });
  if (setting.kind === 'memory') return undefined;
  const [{ Memory }, opened] = await Promise.all([
    import('@tta-dev/core'),
    openMemoryBackend({ cwd, env }),
  ]);
  return {
    memory: new Memory({ backend: opened.backend }),
    where: setting.where,
    close: opened.close,
  };
}
