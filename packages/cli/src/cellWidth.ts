// The terminal width of table cells, without string-width: its Intl.Segmenter and its RGI_Emoji
// regular expression took about half of `tta-persona list`'s start-up. Code points are enough for
// what tables show (names, icons, paths): emoji and East Asian wide characters take two cells,
// marks, joiners and variation selectors none, and an emoji sequence joined by U+200D (ZWJ) or
// a pair of regional indicators (a flag) counts once. cellWidth.test.ts checks it against
// string-width.

// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC starts the colour codes to skip.
const ANSI_ESCAPE = /\u001B\[[0-9;?]*[ -/]*[@-~]/g;
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]$/u;
const EMOJI_PRESENTATION = /^\p{Emoji_Presentation}$/u;
const PICTOGRAPHIC = /^\p{Extended_Pictographic}$/u;
const VARIATION_EMOJI = '\uFE0F';
const ZWJ = '\u200D';
const KEYCAP = '\u20E3';

/** East Asian Wide and Fullwidth ranges (Unicode's EastAsianWidth W and F, as wcwidth has them). */
const WIDE: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f],
  [0x231a, 0x231b],
  [0x2329, 0x232a],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xa960, 0xa97f],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x16fe0, 0x16fe4],
  [0x17000, 0x18cff],
  [0x1b000, 0x1b2ff],
  [0x20000, 0x2fffd],
  [0x30000, 0x3fffd],
];

function isWide(codePoint: number): boolean {
  for (const [from, to] of WIDE) {
    if (codePoint < from) return false;
    if (codePoint <= to) return true;
  }
  return false;
}

/** Dashes, quotes, bullets, ellipsis, arrows, box drawing: none is wide, an emoji or zero-width. */
const PLAIN_SYMBOLS: readonly (readonly [number, number])[] = [
  [0x2010, 0x2027],
  [0x2030, 0x205e],
  [0x2190, 0x21ff],
  [0x2500, 0x257f],
];

const isPlainSymbol = (codePoint: number) =>
  PLAIN_SYMBOLS.some(([from, to]) => codePoint >= from && codePoint <= to);

const isRegionalIndicator = (codePoint: number) => codePoint >= 0x1f1e6 && codePoint <= 0x1f1ff;

/** Terminal cells `text` takes; colour codes take none. */
export function cellWidth(text: string): number {
  if (/^[\x20-\x7e]*$/.test(text)) return text.length;
  const chars = Array.from(text.includes('\u001B') ? text.replace(ANSI_ESCAPE, '') : text);
  let width = 0;
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i]!;
    const codePoint = char.codePointAt(0)!;
    if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint < 0xa0)) continue;
    const next = chars[i + 1];
    // Latin and the punctuation, arrows and box drawing tables use: one cell, no expression to
    // compile (Unicode property expressions cost milliseconds the first time).
    const plain = codePoint < 0x300 || isPlainSymbol(codePoint);
    if (plain && next !== VARIATION_EMOJI && chars[i - 1] !== ZWJ) {
      width += 1;
      continue;
    }
    if (ZERO_WIDTH.test(char)) continue;
    // The emoji after a ZWJ is drawn within the cells of the one before it.
    if (chars[i - 1] === ZWJ) continue;
    if (isRegionalIndicator(codePoint)) {
      if (isRegionalIndicator(chars[i + 1]?.codePointAt(0) ?? 0)) i++;
      width += 2;
      continue;
    }
    const emoji =
      EMOJI_PRESENTATION.test(char) ||
      (next === VARIATION_EMOJI && (PICTOGRAPHIC.test(char) || chars[i + 2] === KEYCAP));
    if (emoji) {
      width += 2;
      // Skin tones and other modifiers belong to the emoji before them.
      while (/^[\u{1f3fb}-\u{1f3ff}]$/u.test(chars[i + 1] ?? '')) i++;
      continue;
    }
    width += isWide(codePoint) ? 2 : 1;
  }
  return width;
}
