import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { meterInstruments } from '../../meterInstruments.js';
import { loadTokenizer, type Tokenizer } from '../tokens/loadTokenizer.js';

/** What a persona has spent since it became active. */
export interface TokenUsage {
  readonly persona: string;
  readonly budget: number;
  /** Tokens of the tool definitions last shown. */
  readonly definitions: number;
  /** Tokens of the tool results passed through. */
  readonly results: number;
  readonly total: number;
}

/**
 * Counts the tokens a persona's tools cost — the definitions it is shown and the results passed
 * through — against its `tokenBudget`, resetting at every switch. The tokenizer is loaded at the
 * first count, not at start; counts run in order, off the path of `tools/list`, and off the path
 * of a result too while the persona is surely within its budget.
 */
export class TokenLedger {
  /** The counts under way, in order; `settled` waits for them. */
  private pending: Promise<unknown> = Promise.resolve();
  /** Bumped at every reset, so that a count started for the previous persona is dropped. */
  private epoch = 0;
  private persona = '';
  private budget = 0;
  private definitions = 0;
  private results = 0;
  /** Lists and results recorded but not counted yet: how many, and at most how many tokens. */
  private uncounted = { lists: 0, tokens: 0 };
  /** The list last counted, and its tokens: the gateway shows the same list until it changes. */
  private counted: { readonly tools: readonly Tool[]; readonly tokens: number } | undefined;

  /** Starts counting for a newly active persona. */
  reset(persona: string, budget: number): void {
    this.epoch++;
    this.persona = persona;
    this.budget = budget;
    this.definitions = 0;
    this.results = 0;
    this.uncounted = { lists: 0, tokens: 0 };
    this.recordUsage();
  }

  /** Runs `count` after the counts before it, unless the persona changed meanwhile. */
  private enqueue<T>(count: (tokenizer: Tokenizer) => T): Promise<T | undefined> {
    const epoch = this.epoch;
    const next = this.pending.then(async () => {
      const tokenizer = await loadTokenizer();
      return epoch === this.epoch ? count(tokenizer) : undefined;
    });
    this.pending = next.catch(() => undefined);
    return next;
  }

  /** The figures once every count asked for so far is done. */
  async settled(): Promise<TokenUsage> {
    await this.pending;
    return this.usage();
  }

  /**
   * Records the tool list shown and counts it in the background. The same list (the same array,
   * which its owner must not change) is counted once.
   */
  listed(tools: readonly Tool[]): void {
    this.uncounted.lists++;
    const epoch = this.epoch;
    void this.enqueue((tokenizer) => this.record(tools, tokenizer))
      .finally(() => {
        if (epoch === this.epoch) this.uncounted.lists--;
      })
      .catch(() => undefined);
  }

  private record(tools: readonly Tool[], { countToolTokens }: Tokenizer): void {
    if (this.counted?.tools !== tools) this.counted = { tools, tokens: countToolTokens(tools) };
    this.definitions = this.counted.tokens;
    ledgerInstruments().listTokens.record(this.definitions, {
      'tta.persona': this.persona || 'none',
    });
    this.recordUsage();
  }

  /**
   * Records a result; when the persona is over budget, returns a note to append to the result
   * (and counts the overrun), else undefined. A text has at most as many tokens as UTF-8 bytes,
   * so while that bound keeps the persona within its budget the result goes at once and is
   * counted after; only near the budget does it wait for its count.
   */
  async passed(result: CallToolResult): Promise<string | undefined> {
    const text = result.content
      .map((c) => (c.type === 'text' ? c.text : JSON.stringify(c)))
      .join('\n');
    const bound = Buffer.byteLength(text);
    const within =
      this.persona === '' ||
      (this.uncounted.lists === 0 &&
        this.definitions + this.results + this.uncounted.tokens + bound <= this.budget);
    this.uncounted.tokens += bound;
    const epoch = this.epoch;
    const counted = this.enqueue((tokenizer) => this.count(text, tokenizer)).finally(() => {
      if (epoch === this.epoch) this.uncounted.tokens -= bound;
    });
    if (!within) return counted;
    counted.catch(() => undefined);
    return undefined;
  }

  private count(text: string, { countTokens }: Tokenizer): string | undefined {
    const tokens = countTokens(text);
    this.results += tokens;
    const { resultTokens, budgetExceeded } = ledgerInstruments();
    resultTokens.add(tokens, { 'tta.persona': this.persona || 'none' });
    this.recordUsage();
    if (this.persona === '' || this.definitions + this.results <= this.budget) return undefined;
    budgetExceeded.add(1, { 'tta.persona': this.persona });
    return `Note: persona "${this.persona}" has used ${this.definitions + this.results} tokens of tools and results, over its budget of ${this.budget}.`;
  }

  /** The persona's spending against its budget, as two gauges a dashboard can divide. */
  private recordUsage(): void {
    if (this.persona === '') return;
    const attributes = { 'tta.persona': this.persona };
    const { personaTokens, personaBudget } = ledgerInstruments();
    personaTokens.record(this.definitions + this.results, attributes);
    personaBudget.record(this.budget, attributes);
  }

  usage(): TokenUsage {
    return {
      persona: this.persona,
      budget: this.budget,
      definitions: this.definitions,
      results: this.results,
      total: this.definitions + this.results,
    };
  }
}

/** The ledger's instruments, made once per meter provider (not on every result). */
const ledgerInstruments = meterInstruments((meter) => ({
  listTokens: meter.createHistogram('tta.gateway.tool_list_tokens', {
    description: 'Tokens of the tool list shown to a client',
    unit: '{token}',
  }),
  resultTokens: meter.createCounter('tta.gateway.result_tokens', {
    description: 'Tokens of tool results passed through',
    unit: '{token}',
  }),
  budgetExceeded: meter.createCounter('tta.gateway.budget_exceeded', {
    description: 'Tool results delivered while a persona was over its token budget',
  }),
  personaTokens: meter.createGauge('tta.gateway.persona_tokens', {
    description: 'Tokens of tools and results the active persona has used since it became active',
    unit: '{token}',
  }),
  personaBudget: meter.createGauge('tta.gateway.persona_token_budget', {
    description: 'The token budget of the active persona',
    unit: '{token}',
  }),
}));
