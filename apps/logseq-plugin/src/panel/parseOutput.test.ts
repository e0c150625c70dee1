import { describe, expect, it } from 'vitest';
import { parseOutput } from './parseOutput.js';

describe('parseOutput', () => {
  it('gives JSON objects and arrays as values, other text as text, nothing for blank', () => {
    expect(parseOutput(' {"approved": true, "by": "ana"} ')).toEqual({ approved: true, by: 'ana' });
    expect(parseOutput('[1, 2]')).toEqual([1, 2]);
    expect(parseOutput('## 1.3.0\n\n- adds `retry()`')).toBe('## 1.3.0\n\n- adds `retry()`');
    expect(parseOutput('[draft] notes')).toBe('[draft] notes');
    expect(parseOutput('42')).toBe('42');
    expect(parseOutput('  \n ')).toBeUndefined();
  });
});
