export type {
  EmulatedBlock,
  EmulatedPage,
  Message,
  Navigation,
  StoredProperty,
} from './_backend.js';
export {
  DEFAULT_EMULATED_DATE_FORMAT,
  DEFAULT_EMULATED_PLUGIN_ID,
  type EmulatedApp,
  type EmulatedEditor,
  type EmulatedLogseq,
  type EmulatedNamespace,
  type EmulatedUI,
  type EmulateLogseqOptions,
  emulateLogseq,
} from './EmulatedLogseq.js';
export { EXPORTED_METHODS, type ExportedMethods, type LogseqVersion } from './exportedMethods.js';
