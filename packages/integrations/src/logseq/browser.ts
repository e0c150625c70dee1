// `@tta-dev/integrations/logseq`: the Logseq writer of the plugin API, browser-safe (no Node
// code), for the Logseq plugin, which calls the API through its `logseq` object.
export { fileBlockText } from './fileBlockText.js';
export type { LogseqCall, LogseqGraphKind } from './LogseqApiSink.js';
export { isMissingMethod, LogseqApiSink, missingMethod } from './LogseqApiSink.js';
export type { LogseqErrorReason } from './LogseqError.js';
export { isLogseqError, LogseqError } from './LogseqError.js';
