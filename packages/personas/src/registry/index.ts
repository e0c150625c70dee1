// The persona registry without the schema: zod and the YAML parser load only when there are
// persona files to read (start-up of `tta-persona list` and `tta workflow list`).

// Where the user's persona folder is, without the rest of the store.
export { ttaHome } from '../store/ttaHome.js';
export type {
  LoadedPersona,
  PersonaFolder,
  PersonaRegistryOptions,
  PersonaSource,
} from './PersonaRegistry.js';
export { findProjectFolder, PERSONA_FILE_EXTENSIONS, PersonaRegistry } from './PersonaRegistry.js';
