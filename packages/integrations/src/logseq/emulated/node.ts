export { type ReparsedBlock, type ReparsedPage, reparseLogseqFile } from './reparseLogseqFile.js';
export {
  resolveMethod,
  type ServedLogseqApi,
  type ServeLogseqApiOptions,
  serveLogseqApi,
} from './serveLogseqApi.js';
