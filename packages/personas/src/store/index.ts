// The active-persona store, light enough for a shell prompt to call (`tta-persona current`).
export { ConfigCorruptError, isConfigCorruptError } from './ConfigError.js';
export type { ActivePersona, PersonaConfig, PersonaSwitch } from './PersonaConfig.js';
export type { PersonaIdentity, PersonaStoreOptions } from './PersonaStore.js';
export { CONFIG_FILE, DEFAULT_HISTORY_LIMIT, PersonaStore } from './PersonaStore.js';
export { readConfig } from './readConfig.js';
export { ttaHome } from './ttaHome.js';
