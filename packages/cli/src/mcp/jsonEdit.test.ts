import { describe, expect, it } from 'vitest';
import { JsonShapeError, JsonSyntaxError, setJsonMember } from './jsonEdit.js';

const tta = { command: 'npx', args: ['-y', 'p'] };
const set = (text: string, jsonc = false) => setJsonMember(text, 'servers', 'tta', tta, { jsonc });
const lines = (...l: string[]) => `${l.join('\n')}\n`;

describe('setJsonMember', () => {
  it('writes a new document for empty, blank or {} text', () => {
    const expected = lines(
      '{',
      '  "servers": {',
      '    "tta": {',
      '      "command": "npx",',
      '      "args": [',
      '        "-y",',
      '        "p"',
      '      ]',
      '    }',
      '  }',
      '}',
    );
    for (const text of ['', ' \n', '{}', '{}\n'])
      expect(set(text)).toEqual({ text: expected, action: 'added' });
  });

  it('appends to the container after its last member, indented like it, touching nothing else', () => {
    const text = lines(
      '{',
      '  "other": [1, 2, 3],',
      '  "servers": {',
      '    "x": {"command": "a", "args": ["q"]}',
      '  },',
      '  "last": true',
      '}',
    );
    expect(set(text)).toEqual({
      action: 'added',
      text: lines(
        '{',
        '  "other": [1, 2, 3],',
        '  "servers": {',
        '    "x": {"command": "a", "args": ["q"]},',
        '    "tta": {',
        '      "command": "npx",',
        '      "args": [',
        '        "-y",',
        '        "p"',
        '      ]',
        '    }',
        '  },',
        '  "last": true',
        '}',
      ),
    });
  });

  it('adds a missing container as the last member of the top level', () => {
    expect(set(lines('{', '    "a": 1', '}')).text).toBe(
      lines(
        '{',
        '    "a": 1,',
        '    "servers": {',
        '        "tta": {',
        '            "command": "npx",',
        '            "args": [',
        '                "-y",',
        '                "p"',
        '            ]',
        '        }',
        '    }',
        '}',
      ),
    );
  });

  it('fills an empty container, keeps tabs and CRLF line endings', () => {
    const text = '{\r\n\t"a": 1,\r\n\t"servers": {}\r\n}\r\n';
    expect(set(text).text).toBe(
      [
        '{',
        '\t"a": 1,',
        '\t"servers": {',
        '\t\t"tta": {',
        '\t\t\t"command": "npx",',
        '\t\t\t"args": [',
        '\t\t\t\t"-y",',
        '\t\t\t\t"p"',
        '\t\t\t]',
        '\t\t}',
        '\t}',
        '}',
        '',
      ].join('\r\n'),
    );
  });

  it('keeps a file written on one line on one line', () => {
    expect(set('{"a":1,"servers":{"x":{"command":"a"}}}').text).toBe(
      '{"a":1,"servers":{"x":{"command":"a"},"tta":{"command":"npx","args":["-y","p"]}}}',
    );
    expect(set('{"a":1}').text).toBe(
      '{"a":1,"servers":{"tta":{"command":"npx","args":["-y","p"]}}}',
    );
  });

  it('writes on the same line inside an object that is written on one line', () => {
    expect(set(lines('{', '  "servers": {"x": {"command": "a"}}', '}')).text).toBe(
      lines(
        '{',
        '  "servers": {"x": {"command": "a"}, "tta": {"command": "npx", "args": ["-y", "p"]}}',
        '}',
      ),
    );
  });

  it('replaces an entry of the same name in place and returns what was there', () => {
    const text = lines(
      '{',
      '  "servers": {',
      '    "a": {"command": "a"},',
      '    "tta": {"command": "old", "env": {"X": "1"}},',
      '    "z": {"command": "z"}',
      '  }',
      '}',
    );
    expect(set(text)).toEqual({
      action: 'replaced',
      previous: { command: 'old', env: { X: '1' } },
      text: lines(
        '{',
        '  "servers": {',
        '    "a": {"command": "a"},',
        '    "tta": {',
        '      "command": "npx",',
        '      "args": [',
        '        "-y",',
        '        "p"',
        '      ]',
        '    },',
        '    "z": {"command": "z"}',
        '  }',
        '}',
      ),
    });
  });

  it('leaves the text as it is when the entry is already there', () => {
    const text = `{"servers": {"tta": ${JSON.stringify(tta)}}}`;
    expect(set(text)).toEqual({ text, action: 'unchanged', previous: tta });
  });

  it('keeps comments and trailing commas of JSONC, adding after a trailing comment', () => {
    const text = lines(
      '// VS Code MCP servers',
      '{',
      '  "servers": {',
      '    /* the first */',
      '    "x": {"type": "stdio", "command": "a"}, // trailing',
      '  },',
      '}',
    );
    expect(set(text, true).text).toBe(
      lines(
        '// VS Code MCP servers',
        '{',
        '  "servers": {',
        '    /* the first */',
        '    "x": {"type": "stdio", "command": "a"}, // trailing',
        '    "tta": {',
        '      "command": "npx",',
        '      "args": [',
        '        "-y",',
        '        "p"',
        '      ]',
        '    }',
        '  },',
        '}',
      ),
    );
    expect(set(lines('{', '  "servers": {', '    "x": 1 // one', '  }', '}'), true).text).toContain(
      '    "x": 1, // one\n    "tta": {',
    );
  });

  it('keeps a byte order mark', () => {
    expect(set('\uFEFF{\n  "a": 1\n}\n').text.startsWith('\uFEFF{\n  "a": 1,\n  "servers"')).toBe(
      true,
    );
  });

  it('refuses text that is not JSON, with line and column', () => {
    const error = (text: string, jsonc = false) => {
      try {
        set(text, jsonc);
      } catch (e) {
        return e;
      }
      throw new Error('expected an error');
    };
    expect(error('{\n  "servers": {},\n}')).toMatchObject({
      name: 'JsonSyntaxError',
      line: 3,
      column: 1,
      reason: 'trailing comma before "}"',
    });
    expect(error('{\n  // c\n  "servers": {}\n}')).toMatchObject({
      line: 2,
      column: 3,
      reason: 'comments are not allowed in JSON',
    });
    expect(error('{\n  "servers": {\n')).toBeInstanceOf(JsonSyntaxError);
    expect(error('{"servers": {"a": 1 "b": 2}}', true)).toMatchObject({ line: 1, column: 21 });
  });

  it('refuses a top level or container that is not an object', () => {
    expect(() => set('[1, 2]')).toThrow(JsonShapeError);
    expect(() => set('{\n  "servers": []\n}')).toThrow('"servers" is a list, not an object');
    expect(() => set('{\n  "servers": null\n}')).toThrow('"servers" is null, not an object');
  });

  it('edits the last of duplicate keys, the one JSON readers keep', () => {
    const result = set('{"servers": {"tta": 1}, "servers": {"tta": 2}}');
    expect(result.previous).toBe(2);
    expect(JSON.parse(result.text).servers.tta).toEqual(tta);
    expect(result.text.startsWith('{"servers": {"tta": 1}, ')).toBe(true);
  });
});
