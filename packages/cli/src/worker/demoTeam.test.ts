import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * `npm run demo:team`'s demo (scripts/demo-team.mjs, after the set-up `demo-team.sh` does), run
 * as a new user would, without a terminal: a throwaway PostgreSQL, `tta serve`, two `tta worker`
 * processes, a package-release queued, one worker killed mid-run and the run finished by the
 * other; and Ctrl-C in the middle stops and removes everything.
 */
const DEMO = fileURLToPath(new URL('../../../../scripts/demo-team.mjs', import.meta.url));

function startDemo(args: string[] = []) {
  const child = spawn(process.execPath, [DEMO, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiting = new Set<() => void>();
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    for (const check of waiting) check();
  });
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  /** Resolves once a line matching `pattern` was printed. */
  const printed = (pattern: RegExp) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const match = stdout.match(pattern);
        if (match === null) return;
        waiting.delete(check);
        resolve(match);
      };
      waiting.add(check);
      check();
      void exited.then(() => {
        if (waiting.delete(check))
          reject(new Error(`the demo ended without printing ${pattern}:\n${stdout}\n${stderr}`));
      });
    });
  return { child, exited, printed, output: () => ({ stdout, stderr }) };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Whether something accepts connections on that loopback port. */
const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

describe('npm run demo:team', () => {
  it('finishes the release on the other worker after one is killed, says so, exits 0 and leaves nothing behind', async () => {
    const demo = startDemo();
    const code = await demo.exited;
    const { stdout, stderr } = demo.output();
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    const lines = stdout.split('\n');
    const root = stdout.match(/the demo's folder: (\S+)\)/)![1]!;
    const pgPort = Number(stdout.match(/^PostgreSQL: postgres:\/\/tta@127\.0\.0\.1:(\d+)\//m)![1]);
    const pids = [...stdout.matchAll(/worker (one|two) started \(pid (\d+)\)/g)].map((m) => [
      m[1]!,
      Number(m[2]),
    ]) as [string, number][];
    expect(pids.map(([name]) => name)).toEqual(['one', 'two']);
    expect(stdout).toMatch(/^tta serve: http:\/\/127\.0\.0\.1:\d+\/ \(token \S+\)$/m);
    // Who drives: a first worker, killed at its `tests` step, then the other to the end.
    const killed = stdout.match(/✗ killing worker (one|two) \(SIGKILL\) as it runs verify\/tests/)!;
    expect(killed).not.toBeNull();
    const other = killed[1] === 'one' ? 'two' : 'one';
    const drives = lines.filter((l) => l.startsWith('→ worker '));
    expect(drives[0]).toBe(`→ worker ${killed[1]} drives team-release`);
    expect(drives.slice(1).every((l) => l === `→ worker ${other} drives team-release`)).toBe(true);
    expect(lines).toContain(`worker ${other} claims team-release (it was interrupted)`);
    expect(lines.filter((l) => l.includes(' started on worker ')).at(-1)).toMatch(
      new RegExp(`^  ship/\\S+ started on worker ${other}$`),
    );
    expect(lines).toContain(
      `✓ team-release completed on worker ${other} (worker ${killed[1]} was killed mid-run)`,
    );
    expect(
      lines.indexOf(
        `✓ team-release completed on worker ${other} (worker ${killed[1]} was killed mid-run)`,
      ),
    ).toBeGreaterThan(lines.indexOf(killed[0]));
    // Cleaned up: its folder (PostgreSQL's data, the sample package) and its workers are gone.
    expect(existsSync(root)).toBe(false);
    for (const [, pid] of pids) expect(alive(pid)).toBe(false);
    expect(await listening(pgPort)).toBe(false);
  });

  it('Ctrl-C mid-run stops tta serve, the workers and PostgreSQL, removes its folder, exits 130', async () => {
    const demo = startDemo();
    const [, pgPort] = await demo.printed(/^PostgreSQL: postgres:\/\/tta@127\.0\.0\.1:(\d+)\//m);
    const [, root] = await demo.printed(/the demo's folder: (\S+)\)/);
    const [, url] = await demo.printed(/^tta serve: (\S+) /m);
    await demo.printed(/^→ worker (one|two) drives team-release$/m);
    demo.child.kill('SIGINT');
    expect(await demo.exited).toBe(130);
    const { stdout } = demo.output();
    expect(stdout).toContain('SIGINT: stopping everything');
    expect(existsSync(root!)).toBe(false);
    for (const m of stdout.matchAll(/worker (?:one|two) started \(pid (\d+)\)/g))
      expect(alive(Number(m[1]))).toBe(false);
    await expect(fetch(new URL('health', url))).rejects.toThrow();
    expect(await listening(Number(pgPort))).toBe(false);
  });

  it('--stay: the run done, its workers stop and tta serve stays up with the run, until Ctrl-C (exit 0)', async () => {
    const demo = startDemo(['--stay']);
    const [, url, token] = await demo.printed(/^tta serve: (\S+) \(token (\S+)\)$/m);
    await demo.printed(
      /^the workers stopped; PostgreSQL and tta serve stay up: Ctrl-C to stop them$/m,
    );
    const { stdout } = demo.output();
    expect(stdout).toMatch(/^✓ team-release completed on worker (one|two) /m);
    for (const m of stdout.matchAll(/worker (?:one|two) started \(pid (\d+)\)/g))
      expect(alive(Number(m[1]))).toBe(false);
    const runs = (await (
      await fetch(new URL('api/runs', url), { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { runs: { runId: string; status: string }[] };
    expect(runs.runs).toEqual([
      expect.objectContaining({ runId: 'team-release', status: 'completed' }),
    ]);
    demo.child.kill('SIGINT');
    expect(await demo.exited).toBe(0);
    await expect(fetch(new URL('health', url))).rejects.toThrow();
  });
});
