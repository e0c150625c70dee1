import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  fixtureServer,
  type Harness,
  resultText,
  startHarness,
  TEST_PERSONAS,
} from './gateway.testkit.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const personaFile = (h: Harness, name: string) => join(h.home, 'personas', `${name}.json`);

/** Makes `change`, then waits for list_changed notifications until `done` holds. */
async function changeAndWait(
  h: Harness,
  change: () => Promise<unknown>,
  done: () => Promise<boolean>,
): Promise<void> {
  let next = h.nextListChanged();
  await change();
  for (;;) {
    await next;
    next = h.nextListChanged();
    if (await done()) return;
  }
}

const echo = (h: Harness) => h.client.callTool({ name: 'fx__echo', arguments: { message: 'hi' } });

describe('persona files under a running gateway', () => {
  it('an edit that removes a tool hides it and refuses its call at once', async () => {
    harness = await startHarness({ fx: fixtureServer('tools') }, { active: 'builder' });
    const h = harness;
    expect(await h.toolNames()).toContain('fx__echo');
    await changeAndWait(
      h,
      () =>
        writeFile(
          personaFile(h, 'builder'),
          JSON.stringify({
            ...TEST_PERSONAS.builder,
            allowedTools: { fx: ['env_report', 'read_file'] },
          }),
        ),
      // The new definition in force (a write may be seen empty first, which narrows too).
      async () => {
        const names = await h.toolNames();
        return !names.includes('fx__echo') && names.includes('fx__env_report');
      },
    );
    const refused = await echo(h);
    expect(refused.isError).toBe(true);
    expect(resultText(refused)).toContain('may not use fx__echo');
  });

  it('a persona created after the start resolves, when already active and when switched to', async () => {
    harness = await startHarness({ fx: fixtureServer('tools') }, { active: 'reader' });
    const h = harness;
    // Active before its file exists: the gateway's own tools only, until the file appears.
    await changeAndWait(
      h,
      () => h.store.activate({ name: 'writer', displayName: 'Writer', icon: '✍', source: 'test' }),
      async () => !(await h.toolNames()).includes('fx__echo'),
    );
    expect(h.gateway.persona).toBeUndefined();
    const writer = {
      ...TEST_PERSONAS.reader,
      name: 'writer',
      displayName: 'Writer',
      allowedTools: { fx: ['echo', 'env_report'] },
    };
    await changeAndWait(
      h,
      () => writeFile(personaFile(h, 'writer'), JSON.stringify(writer)),
      async () => (await h.toolNames()).includes('fx__env_report'),
    );
    expect(h.gateway.persona?.name).toBe('writer');
    expect(resultText(await echo(h))).toBe('hi');

    // Created later, then switched to (as tta-persona does).
    await writeFile(personaFile(h, 'auditor'), JSON.stringify({ ...writer, name: 'auditor' }));
    await expect
      .poll(async () => resultText(await h.client.callTool({ name: 'persona_list' })), {
        timeout: 120_000,
      })
      .toContain('"auditor"');
    await changeAndWait(
      h,
      () => h.store.activate({ name: 'auditor', displayName: 'A', icon: 'A', source: 'test' }),
      async () => h.gateway.persona?.name === 'auditor',
    );
    expect(await h.toolNames()).toContain('fx__env_report');
  });

  it('a persona file that breaks narrows to the gateway tools and logs the file and line', async () => {
    const logged: string[] = [];
    harness = await startHarness(
      { fx: fixtureServer('tools') },
      { active: 'builder', gateway: { log: (_level, message) => logged.push(message) } },
    );
    const h = harness;
    const file = personaFile(h, 'builder');
    await changeAndWait(
      h,
      // Valid JSON, invalid persona: allowedServers must be a list.
      () =>
        writeFile(
          file,
          `{\n  "name": "builder",\n  "displayName": "Builder",\n  "description": "x",\n  "allowedServers": "fx"\n}\n`,
        ),
      // Narrowed, and the error of the whole file logged (a write may be seen empty first).
      async () =>
        !(await h.toolNames()).includes('fx__echo') && logged.join('\n').includes(`${file}:5`),
    );
    expect(h.gateway.persona).toBeUndefined();
    expect((await h.toolNames()).every((n) => !n.includes('__'))).toBe(true);
    expect((await echo(h)).isError).toBe(true);

    // Fixed again: the persona comes back.
    await changeAndWait(
      h,
      () => writeFile(file, JSON.stringify(TEST_PERSONAS.builder)),
      async () => (await h.toolNames()).includes('fx__echo'),
    );
    expect(h.gateway.persona?.name).toBe('builder');

    // Removed: not defined any more.
    await changeAndWait(
      h,
      () => rm(file),
      async () => !(await h.toolNames()).includes('fx__echo'),
    );
    expect(h.gateway.persona).toBeUndefined();
  });
});
