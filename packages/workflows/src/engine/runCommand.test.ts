import { describe, expect, it } from 'vitest';
import { runCommand } from './runCommand.js';

const options = { cwd: process.cwd(), env: process.env };

describe('runCommand', () => {
  it('captures stdout, stderr and the exit code', async () => {
    const result = await runCommand(
      `node -e "console.log('out'); console.error('err'); process.exit(3)"`,
      options,
    );
    expect(result).toEqual({ exitCode: 3, stdout: 'out', stderr: 'err', truncated: false });
  });

  it('runs in the given folder with the given environment', async () => {
    const result = await runCommand(
      'node -e "console.log(process.cwd() + \' \' + process.env.TTA_TEST)"',
      {
        cwd: '/tmp',
        env: { PATH: process.env.PATH, TTA_TEST: 'here' },
      },
    );
    expect(result.stdout).toBe('/tmp here');
  });

  it('cuts output past the limit and says so', async () => {
    const result = await runCommand(`node -e "process.stdout.write('x'.repeat(5000))"`, {
      ...options,
      maxOutputBytes: 100,
    });
    expect(result.stdout).toHaveLength(100);
    expect(result.truncated).toBe(true);
  });

  it('kills the command and its children when aborted', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const running = runCommand('sleep 30 & sleep 30; wait', {
      ...options,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error('cancelled')), 100);
    await expect(running).rejects.toThrow('cancelled');
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
