import { LogseqApi, type LogseqApiOptions } from './LogseqApi.js';
import { LogseqApiSink, type LogseqGraphKind } from './LogseqApiSink.js';

export type { LogseqGraphKind } from './LogseqApiSink.js';

export interface LogseqApiGraphOptions extends LogseqApiOptions {
  /** Default: asked of Logseq (`logseq.App.checkCurrentIsDbGraph`; a Logseq without it is file-based). */
  kind?: LogseqGraphKind;
}

/**
 * Writes journal pages into the graph open in Logseq, through its HTTP API server: the plugin
 * API's own methods (`logseq.Editor.*`), called as `LogseqApiSink` calls them for the plugin,
 * so both write the same pages in file graphs and DB graphs alike.
 */
export class LogseqApiGraph extends LogseqApiSink {
  readonly api: LogseqApi;

  constructor(options: LogseqApiGraphOptions = {}) {
    const api = new LogseqApi(options);
    super(
      (method, ...args) => api.call(`logseq.${method}`, ...args),
      options.kind === undefined ? {} : { kind: options.kind },
    );
    this.api = api;
  }
}
