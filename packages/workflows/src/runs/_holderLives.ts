import { hostname } from 'node:os';

/**
 * Whether the process `pid` on `host` that holds something (a lease, a claim) lives: asked of
 * the system for a process on this host; true for another host's, which only an expiry can end.
 */
export function holderLives(host: string, pid: number): boolean {
  if (host !== hostname()) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
