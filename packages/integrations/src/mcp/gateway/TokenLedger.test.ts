import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { TokenLedger } from './TokenLedger.js';

const result = (text: string): CallToolResult => ({ content: [{ type: 'text', text }] });

describe('TokenLedger', () => {
  it('lets a result well within the budget go before it is counted, and counts it after', async () => {
    const ledger = new TokenLedger();
    ledger.reset('reader', 10_000);
    const passed = ledger.passed(result('Echo: ping'));
    // Resolved before the count behind it: the result does not wait for the tokenizer.
    const first = await Promise.race([passed, ledger.settled().then(() => 'counted first')]);
    expect(first).toBeUndefined();
    const usage = await ledger.settled();
    expect(usage.results).toBeGreaterThan(0);
    expect(usage.results).toBeLessThanOrEqual(Buffer.byteLength('Echo: ping'));
  });

  it('near the budget waits for the count: a note only when the tokens really pass it', async () => {
    const ledger = new TokenLedger();
    ledger.reset('reader', 30);
    // 50 bytes could be 50 tokens, but are about 10: within the budget, no note.
    expect(await ledger.passed(result('word '.repeat(10)))).toBeUndefined();
    const note = await ledger.passed(result('word '.repeat(30)));
    expect(note).toMatch(
      /^Note: persona "reader" has used \d+ tokens of tools and results, over its budget of 30\.$/,
    );
    const { results, total } = await ledger.settled();
    expect(total).toBe(results);
    expect(total).toBeGreaterThan(30);
  });

  it('waits for the count of a tool list shown before it, whatever the result', async () => {
    const ledger = new TokenLedger();
    ledger.reset('reader', 20);
    const big = Array.from({ length: 20 }, (_, i) => ({
      name: `tool_${i}`,
      description: 'Reads a file and returns its text, with its line numbers.',
      inputSchema: { type: 'object' as const, properties: { path: { type: 'string' } } },
    }));
    ledger.listed(big);
    // The list alone is over the budget: the first, tiny result already carries the note.
    expect(await ledger.passed(result('ok'))).toMatch(/over its budget of 20/);
  });

  it('counts for no persona without ever noting a budget', async () => {
    const ledger = new TokenLedger();
    expect(await ledger.passed(result('word '.repeat(100)))).toBeUndefined();
    expect((await ledger.settled()).results).toBeGreaterThan(50);
  });
});
