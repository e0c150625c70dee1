import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { metrics } from '@opentelemetry/api';
import { loadTokenizer, type Tokenizer } from '../tokens/loadTokenizer.js';

const meter = () => metrics.getMeter('@tta-dev/integrations');

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
 * through — against its `tokenBudget`, resetting at every switch. The tokenizer (about 65 MiB and
 * a second to load) is loaded at the first count, not at start; counts run in order, off the
 * path of `tools/list`.
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
  /** The list last counted, and its tokens: the gateway shows the same list until it changes. */
  private counted: { readonly tools: readonly Tool[]; readonly tokens: number } | undefined;

  /** Starts counting for a newly active persona. */
  reset(persona: string, budget: number): void {
    this.epoch++;
    this.persona = persona;
    this.budget = budget;
    this.definitions = 0;
    this.results = 0;
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
    void this.enqueue((tokenizer) => this.record(tools, tokenizer));
  }

  private record(tools: readonly Tool[], { countToolTokens }: Tokenizer): void {
    if (this.counted?.tools !== tools) this.counted = { tools, tokens: countToolTokens(tools) };
    this.definitions = this.counted.tokens;
    meter()
      .createHistogram('tta.gateway.tool_list_tokens', {
        description: 'Tokens of the tool list shown to a client',
        unit: '{token}',
      })
      .record(this.definitions, { 'tta.persona': this.persona || 'none' });
    this.recordUsage();
  }

  /**
   * Records a result; when the persona is over budget, returns a note to append to the result
   * (and counts the overrun), else undefined.
   */
  async passed(result: CallToolResult): Promise<string | undefined> {
    return this.enqueue((tokenizer) => this.count(result, tokenizer));
  }

  private count(result: CallToolResult, { countTokens }: Tokenizer): string | undefined {
    const text = result.content
      .map((c) => (c.type === 'text' ? c.text : JSON.stringify(c)))
      .join('\n');
    const tokens = countTokens(text);
    this.results += tokens;
    meter()
      .createCounter('tta.gateway.result_tokens', {
        description: 'Tokens of tool results passed through',
        unit: '{token}',
      })
      .add(tokens, { 'tta.persona': this.persona || 'none' });
    this.recordUsage();
    if (this.persona === '' || this.definitions + this.results <= this.budget) return undefined;
    meter()
      .createCounter('tta.gateway.budget_exceeded', {
        description: 'Tool results delivered while a persona was over its token budget',
      })
      .add(1, { 'tta.persona': this.persona });
    return `Note: persona "${this.persona}" has used ${this.definitions + this.results} tokens of tools and results, over its budget of ${this.budget}.`;
  }

  /** The persona's spending against its budget, as two gauges a dashboard can divide. */
  private recordUsage(): void {
    if (this.persona === '') return;
    const attributes = { 'tta.persona': this.persona };
    meter()
      .createGauge('tta.gateway.persona_tokens', {
        description:
          'Tokens of tools and results the active persona has used since it became active',
        unit: '{token}',
      })
      .record(this.definitions + this.results, attributes);
    meter()
      .createGauge('tta.gateway.persona_token_budget', {
        description: 'The token budget of the active persona',
        unit: '{token}',
      })
      .record(this.budget, attributes);
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
