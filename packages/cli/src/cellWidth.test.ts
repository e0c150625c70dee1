import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { cellWidth } from './cellWidth.js';

// string-width (Intl.Segmenter and Unicode's emoji data) is the reference: cellWidth must count
// the same cells for what tables show, without its start-up cost.
const CASES: readonly [string, string][] = [
  ['empty', ''],
  ['ASCII', 'tta-backend-engineer'],
  ['emoji with VS16', '⚙️ tta-backend-engineer'],
  ['emoji presentation', '🧪 tta-testing-specialist'],
  ['every built-in icon', '⚙️🎨🧪📊🚀🔬🧩'],
  ['ZWJ sequence', '👩‍💻 dev'],
  ['skin tone', '👍🏽 ok'],
  ['flag', '🇫🇷 fr'],
  ['keycap', '1️⃣ one'],
  ['CJK', '日本語のペルソナ'],
  ['Hangul', '한국어'],
  ['fullwidth', 'ＡＢＣ'],
  ['combining accent', 'café'],
  ['accented', 'Ingénieure données'],
  ['colour codes', '\u001B[1mbold\u001B[22m and \u001B[32m*\u001B[39m'],
  ['coloured emoji', '\u001B[32m⚙️\u001B[39m x'],
  ['text-presentation symbol', '© ™ ↔'],
  ['box drawing and dots', '─ … ·'],
  ['arrows and dashes', 'a → b ← c – d — e • f'],
  ['arrow as emoji', '↔️ ↔'],
];

describe('cellWidth', () => {
  it.each(CASES)('counts the cells string-width counts: %s', (_, text) => {
    expect(cellWidth(text)).toBe(stringWidth(text));
  });
});
