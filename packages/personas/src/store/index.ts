// The active-persona store, light enough for a shell prompt to call (`tta-persona current`).

export { ignoredFolder } from '../files/ignoredFolder.js';
export { ConfigCorruptError, isConfigCorruptError } from './ConfigError.js';
export type {
  ActivePersona,
  PersonaConfig,
  PersonaHolder,
  PersonaSwitch,
} from './PersonaConfig.js';
export type {
  EffectivePersona,
  PersonaScope,
  PersonaScopesOptions,
  RunPersona,
} from './PersonaScopes.js';
export { PersonaScopes, PROJECT_PERSONA_FILE, RUN_PERSONAS_FOLDER } from './PersonaScopes.js';
export type { PersonaIdentity, PersonaStoreOptions } from './PersonaStore.js';
export { CONFIG_FILE, DEFAULT_HISTORY_LIMIT, PersonaStore } from './PersonaStore.js';
export { readConfig } from './readConfig.js';
export { ttaHome } from './ttaHome.js';
