import { describe, expect, it } from 'vitest';
import { isPersonaFileError, type PersonaFileError } from './PersonaFileError.js';
import { parsePersona } from './parsePersona.js';

const valid = `name: release-captain
displayName: Release Captain
description: Ships packages.
tokenBudget: 1800
allowedServers: [github, git]
allowedTools:
  github: ["create_release", "get_*"]
`;

const errorOf = (text: string, file = 'p.yaml'): PersonaFileError => {
  try {
    parsePersona(file, text);
  } catch (error) {
    if (isPersonaFileError(error)) return error;
    throw error;
  }
  throw new Error('expected the persona to be invalid');
};

describe('parsePersona', () => {
  it('parses YAML and applies defaults', () => {
    const persona = parsePersona('p.yaml', valid);
    expect(persona).toMatchObject({
      name: 'release-captain',
      icon: '🧩',
      aliases: [],
      allowedTools: { github: ['create_release', 'get_*'] },
      security: { allowEnvironmentAccess: [], blockList: [], requireApprovalFor: [] },
      context: { frameworks: [], focusAreas: [], keyFiles: [] },
      workflows: { available: [] },
    });
  });

  it('parses JSON', () => {
    const persona = parsePersona(
      'p.json',
      JSON.stringify({ name: 'x', displayName: 'X', description: 'd', tokenBudget: 100 }, null, 2),
    );
    expect(persona.name).toBe('x');
  });

  it.each([
    [
      'a wrong type',
      valid.replace('tokenBudget: 1800', 'tokenBudget: lots'),
      'tokenBudget',
      4,
      /^wrong type: expected number, got string "lots"$/,
    ],
    [
      'a list where an object is expected',
      valid.replace('allowedTools:\n  github: ["create_release", "get_*"]', 'allowedTools: [a]'),
      'allowedTools',
      6,
      /^wrong type: expected object, got an array$/,
    ],
    [
      'an alias bomb',
      `a: &a [x, x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
`,
      '',
      undefined,
      /aliases \(\*name\) expand too far \(more than 100 times\)/,
    ],
    [
      'a missing field',
      valid.replace('tokenBudget: 1800\n', ''),
      'tokenBudget',
      undefined,
      /required field is missing/,
    ],
    ['an unknown field', `${valid}colour: blue\n`, 'colour', 8, /unknown field "colour"/],
    [
      'a bad list item',
      valid.replace('[github, git]', '[github, ""]'),
      'allowedServers.1',
      5,
      /at least 1|too small/i,
    ],
    [
      'a bad nested item',
      valid.replace('"get_*"', '""'),
      'allowedTools.github.1',
      7,
      /pattern must not be empty/,
    ],
    [
      'tools of a server not allowed',
      valid.replace('github: [', 'gitlab: ['),
      'allowedTools.gitlab',
      7,
      /not in allowedServers/,
    ],
    ['a bad name', valid.replace('release-captain', 'Release Captain'), 'name', 1, /lowercase/],
  ])('reports %s with the file, line and field', (_label, text, path, line, message) => {
    const error = errorOf(text);
    const issue = error.issues.find((i) => i.path === path);
    expect(issue, JSON.stringify(error.issues)).toBeDefined();
    if (line !== undefined) expect(issue?.line).toBe(line);
    expect(issue?.message).toMatch(message);
    expect(error.message).toContain(`p.yaml${issue?.line ? `:${issue.line}` : ''}`);
    expect(error.message).toContain(path);
  });

  it('reports YAML syntax errors with their line', () => {
    const error = errorOf('name: x\ndisplayName: [unclosed\n');
    expect(error.issues[0]?.line).toBeGreaterThanOrEqual(2);
    expect(error.issues[0]?.path).toBe('');
  });

  it('reports duplicate keys', () => {
    const error = errorOf(`${valid}name: again\n`);
    expect(error.issues[0]?.message).toMatch(/unique|duplicate/i);
    expect(error.issues[0]?.line).toBe(8);
  });
});
