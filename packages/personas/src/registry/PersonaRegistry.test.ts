import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findProjectFolder, PersonaRegistry } from './PersonaRegistry.js';

const BUILTIN_NAMES = [
  'tta-backend-engineer',
  'tta-data-scientist',
  'tta-devops-engineer',
  'tta-frontend-engineer',
  'tta-observability-expert',
  'tta-testing-specialist',
];

let root: string;
/** TTA home: the user's personas are in `<home>/personas`. */
let home: string;
/** A project with `.hypertool/personas/`, and a folder deep inside it. */
let project: string;
let nested: string;
/** A folder with no project personas above it (short of the temp folder's parents). */
let elsewhere: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tta-registry-'));
  home = join(root, 'home', '.hypertool');
  project = join(root, 'project');
  nested = join(project, 'packages', 'api', 'src');
  elsewhere = join(root, 'elsewhere');
  await Promise.all([mkdir(nested, { recursive: true }), mkdir(elsewhere, { recursive: true })]);
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function put(file: string, text: string): Promise<string> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
  return file;
}

const userFile = (name: string) => join(home, 'personas', name);
const projectFile = (name: string) => join(project, '.hypertool', 'personas', name);

const yamlPersona = (name: string, extra = '') =>
  `name: ${name}\ndisplayName: ${name}\ndescription: A test persona.\ntokenBudget: 1000\n${extra}`;
const jsonPersona = (name: string, extra: Record<string, unknown> = {}) =>
  `${JSON.stringify(
    { name, displayName: name, description: 'A test persona.', tokenBudget: 1000, ...extra },
    null,
    2,
  )}\n`;

describe('PersonaRegistry', () => {
  it('loads the six built-ins when there are no persona folders', async () => {
    const registry = await PersonaRegistry.load({ home, cwd: elsewhere });
    expect(registry.list().map((p) => p.persona.name)).toEqual(BUILTIN_NAMES);
    expect(registry.list().every((p) => p.source.kind === 'builtin')).toBe(true);
    expect(registry.list().every((p) => p.overrides.length === 0)).toBe(true);
    expect(registry.errors).toEqual([]);
    expect(registry.folders).toEqual([{ kind: 'user', path: join(home, 'personas') }]);
  });

  it.each([
    ['tta-backend-engineer', 'tta-backend-engineer'],
    ['backend', 'tta-backend-engineer'],
    ['backend-developer', 'tta-backend-engineer'],
    ['frontend', 'tta-frontend-engineer'],
    ['frontend-developer', 'tta-frontend-engineer'],
    ['testing', 'tta-testing-specialist'],
    ['testing-specialist', 'tta-testing-specialist'],
    ['observability', 'tta-observability-expert'],
    ['obs', 'tta-observability-expert'],
    ['observability-expert', 'tta-observability-expert'],
    ['devops', 'tta-devops-engineer'],
    ['devops-engineer', 'tta-devops-engineer'],
    ['data-science', 'tta-data-scientist'],
    ['data', 'tta-data-scientist'],
    ['ds', 'tta-data-scientist'],
    ['data-science-specialist', 'tta-data-scientist'],
    ['BACKEND', 'tta-backend-engineer'],
    ['Obs', 'tta-observability-expert'],
    ['TTA-Data-Scientist', 'tta-data-scientist'],
    ['Frontend-Developer', 'tta-frontend-engineer'],
    ['  devops  ', 'tta-devops-engineer'],
  ])('resolves "%s" to %s', async (query, name) => {
    const registry = await PersonaRegistry.load({ home, cwd: elsewhere });
    expect(registry.resolve(query)?.persona.name).toBe(name);
  });

  it.each(['', 'back', 'tta-backend', 'nobody'])('resolves "%s" to nothing', async (query) => {
    const registry = await PersonaRegistry.load({ home, cwd: elsewhere });
    expect(registry.resolve(query)).toBeUndefined();
  });

  it('loads JSON, YAML and YML files from the user folder and the project folder', async () => {
    const files = {
      'user-json': await put(userFile('user-json.json'), jsonPersona('user-json')),
      'user-yaml': await put(userFile('user-yaml.yaml'), yamlPersona('user-yaml')),
      'user-yml': await put(userFile('user-yml.YML'), yamlPersona('user-yml')),
      'project-json': await put(projectFile('a.json'), jsonPersona('project-json')),
      'project-yaml': await put(projectFile('b.yaml'), yamlPersona('project-yaml')),
      'project-yml': await put(projectFile('c.yml'), yamlPersona('project-yml')),
    };
    // Files of other kinds are not personas.
    await put(userFile('README.md'), '# my personas\n');
    await put(projectFile('notes.txt'), 'not a persona\n');

    const registry = await PersonaRegistry.load({ home, cwd: nested });

    expect(registry.errors).toEqual([]);
    expect(registry.folders).toEqual([
      { kind: 'user', path: join(home, 'personas') },
      { kind: 'project', path: join(project, '.hypertool', 'personas') },
    ]);
    for (const [name, file] of Object.entries(files)) {
      const loaded = registry.get(name);
      expect(loaded?.source, name).toEqual({
        kind: name.startsWith('user') ? 'user' : 'project',
        file,
      });
      expect(loaded?.persona.tokenBudget).toBe(1000);
    }
    expect(registry.list()).toHaveLength(BUILTIN_NAMES.length + 6);
  });

  it('lets a later source override an earlier one by name, recording both', async () => {
    const backend = 'tta-backend-engineer';
    const user = await put(
      userFile('backend.yaml'),
      yamlPersona(backend, 'aliases: [backend, mine]\n').replace('1000', '1600'),
    );
    const proj = await put(
      projectFile('backend.json'),
      jsonPersona(backend, { tokenBudget: 1700, aliases: ['backend', 'ours'] }),
    );
    const testing = await put(
      userFile('testing.yml'),
      yamlPersona('tta-testing-specialist').replace('1000', '1234'),
    );

    const registry = await PersonaRegistry.load({ home, cwd: nested });

    expect(registry.get(backend)).toMatchObject({
      persona: { tokenBudget: 1700, aliases: ['backend', 'ours'] },
      source: { kind: 'project', file: proj },
      overrides: [{ kind: 'builtin' }, { kind: 'user', file: user }],
    });
    expect(registry.get('tta-testing-specialist')).toMatchObject({
      persona: { tokenBudget: 1234 },
      source: { kind: 'user', file: testing },
      overrides: [{ kind: 'builtin' }],
    });
    // Overriding does not duplicate: still one entry per name.
    expect(registry.list().map((p) => p.persona.name)).toEqual(BUILTIN_NAMES);
    // Aliases and chat modes follow the definition in force.
    expect(registry.resolve('ours')?.persona.tokenBudget).toBe(1700);
    expect(registry.resolve('mine')).toBeUndefined();
    expect(registry.resolve('backend-developer')).toBeUndefined();
  });

  it('keeps invalid files in errors, with file, line and field, and loads the rest', async () => {
    const badField = await put(
      userFile('bad-field.yaml'),
      yamlPersona('bad-field', 'security:\n  blockList:\n    - AWS_*\n    - ""\n'),
    );
    const badSyntax = await put(projectFile('bad-syntax.yaml'), 'name: x\ndisplayName: [oops\n');
    const badJson = await put(
      projectFile('bad-json.json'),
      jsonPersona('bad-json', { tokenBudget: 'lots' }),
    );
    await mkdir(userFile('folder.json')); // a folder named like a persona file
    await put(userFile('good.yaml'), yamlPersona('good'));
    await put(projectFile('also-good.json'), jsonPersona('also-good'));

    const registry = await PersonaRegistry.load({ home, cwd: nested });

    expect(registry.get('good')?.source.kind).toBe('user');
    expect(registry.get('also-good')?.source.kind).toBe('project');
    expect(registry.list()).toHaveLength(BUILTIN_NAMES.length + 2);
    expect(registry.errors.map((e) => e.file).sort()).toEqual(
      [badField, badSyntax, badJson, userFile('folder.json')].sort(),
    );

    const issue = (file: string) => registry.errors.find((e) => e.file === file)?.issues[0];
    expect(issue(badField)).toMatchObject({ path: 'security.blockList.1', line: 8 });
    expect(registry.errors.find((e) => e.file === badField)?.message).toContain(`${badField}:8:`);
    expect(issue(badJson)).toMatchObject({ path: 'tokenBudget', line: 5 });
    expect(issue(badSyntax)?.line).toBeGreaterThanOrEqual(2);
    expect(issue(userFile('folder.json'))?.message).toMatch(/EISDIR|directory/i);
  });

  it.each([
    // Typos: the intended name comes first.
    ['backnd', 'backend', 0],
    ['fronted', 'frontend', 0],
    ['devps', 'devops', 0],
    ['tesitng', 'testing', 0],
    // Parts of names: offered among names that contain them (or that they contain).
    ['tta-backend', 'tta-backend-engineer', undefined],
    ['observ', 'observability', undefined],
    ['tta-data-scientst', 'tta-data-scientist', undefined], // also contains the alias "data"
  ])('suggests for "%s": "%s"', async (query, expected, position) => {
    const registry = await PersonaRegistry.load({ home, cwd: elsewhere });
    const suggestions = registry.suggest(query);
    expect(suggestions).toContain(expected);
    if (position !== undefined) expect(suggestions.indexOf(expected)).toBe(position);
    expect(suggestions.length).toBeLessThanOrEqual(3);
  });

  it('suggests the closest name even when nothing is close', async () => {
    const registry = await PersonaRegistry.load({ home, cwd: elsewhere });
    expect(registry.suggest('zzzzzzzzzzzzzz')).toHaveLength(1);
    expect(registry.suggest('backnd', 1)).toEqual(['backend']);
  });

  it('suggests names of personas from files too', async () => {
    await put(projectFile('release.yaml'), yamlPersona('release-captain'));
    const registry = await PersonaRegistry.load({ home, cwd: nested });
    expect(registry.suggest('release-captian')).toContain('release-captain');
  });

  it('reads the folder once when the user folder is also the project folder', async () => {
    // home is <root>/home/.hypertool, so from <root>/home/work/x the project folder found upward
    // is <root>/home/.hypertool/personas: the user folder itself.
    const cwd = join(root, 'home', 'work', 'x');
    await mkdir(cwd, { recursive: true });
    const file = await put(userFile('solo.yaml'), yamlPersona('solo'));

    const registry = await PersonaRegistry.load({ home, cwd });

    expect(findProjectFolder(cwd)).toBe(join(home, 'personas'));
    expect(registry.folders).toEqual([{ kind: 'user', path: join(home, 'personas') }]);
    expect(registry.get('solo')).toEqual({
      persona: expect.objectContaining({ name: 'solo' }),
      source: { kind: 'user', file },
      overrides: [],
    });
  });
});

describe('PersonaRegistry, live', () => {
  /**
   * Makes `change`, then resolves at the registry's first change after which `done` holds (a
   * write may be seen half done first: an empty file, then its text).
   */
  async function changed(
    registry: PersonaRegistry,
    change: () => Promise<unknown>,
    done: () => boolean,
  ) {
    let stop: () => void = () => undefined;
    const next = new Promise<void>((resolve, reject) => {
      stop = registry.watch(() => {
        if (done()) resolve();
      }, reject);
    });
    try {
      await change();
      await next;
    } finally {
      stop();
    }
  }

  it('does not fall back to the definition a broken file replaced', async () => {
    const file = await put(
      projectFile('backend.yaml'),
      yamlPersona('tta-backend-engineer', 'allowedServers: [git]\n'),
    );
    const registry = await PersonaRegistry.load({ home, cwd: nested });
    expect(registry.get('tta-backend-engineer')?.persona.allowedServers).toEqual(['git']);
    await changed(
      registry,
      () => put(file, 'name: tta-backend-engineer\ntokenBudget: lots\n'),
      () => registry.brokenFile('tta-backend-engineer')?.message.includes(`${file}:2`) === true,
    );
    expect(registry.get('tta-backend-engineer')).toBeUndefined();
    expect(registry.resolve('backend')).toBeUndefined();
    expect(registry.brokenFile('tta-backend-engineer')?.message).toContain(`${file}:2`);
    // Broken beyond YAML, and named otherwise than its file: what it defined before stays out.
    await changed(
      registry,
      () => put(file, '{ oops'),
      // A syntax error (no field path), not the missing fields of a file seen empty mid-write.
      () =>
        registry.errors.find((e) => e.file === file)?.issues.every((i) => i.path === '') === true,
    );
    expect(registry.get('tta-backend-engineer')).toBeUndefined();
  });

  it('reloads in place when a file is added, edited or removed in the user folder', async () => {
    await put(userFile('a.yaml'), yamlPersona('a'));
    const registry = await PersonaRegistry.load({ home, cwd: elsewhere });
    await changed(
      registry,
      () => put(userFile('b.yaml'), yamlPersona('b')),
      () => registry.get('b') !== undefined,
    );
    expect(registry.get('b')?.source.kind).toBe('user');
    await changed(
      registry,
      () => put(userFile('a.yaml'), yamlPersona('a', 'icon: A\n')),
      () => registry.get('a')?.persona.icon === 'A',
    );
    expect(registry.get('a')?.persona.icon).toBe('A');
    await changed(
      registry,
      () => rm(userFile('a.yaml')),
      () => registry.get('a') === undefined,
    );
    expect(registry.get('a')).toBeUndefined();
  });

  it('sees persona folders created after it started watching', async () => {
    const registry = await PersonaRegistry.load({ home, cwd: project });
    expect(registry.folders.map((f) => f.kind)).toEqual(['user']);
    await changed(
      registry,
      () => put(projectFile('p.yaml'), yamlPersona('p')),
      () => registry.get('p') !== undefined,
    );
    expect(registry.get('p')?.source.kind).toBe('project');
    // Now watched itself: a second file in it is seen too.
    await changed(
      registry,
      () => put(projectFile('q.yaml'), yamlPersona('q')),
      () => registry.get('q') !== undefined,
    );
    expect(registry.get('q')?.source.kind).toBe('project');
    await changed(
      registry,
      () => put(userFile('u.yaml'), yamlPersona('u')),
      () => registry.get('u') !== undefined,
    );
    expect(registry.get('u')?.source.kind).toBe('user');
  });
});

describe('findProjectFolder', () => {
  it('finds the nearest .hypertool/personas upward, skipping .hypertool without personas', async () => {
    await mkdir(join(project, '.hypertool', 'personas'), { recursive: true });
    await mkdir(join(project, 'packages', '.hypertool'), { recursive: true });
    expect(findProjectFolder(nested)).toBe(join(project, '.hypertool', 'personas'));
    expect(findProjectFolder(project)).toBe(join(project, '.hypertool', 'personas'));

    await mkdir(join(project, 'packages', 'api', '.hypertool', 'personas'), { recursive: true });
    expect(findProjectFolder(nested)).toBe(
      join(project, 'packages', 'api', '.hypertool', 'personas'),
    );
  });

  it('returns undefined when there is none', () => {
    expect(findProjectFolder(elsewhere)).toBeUndefined();
  });
});
