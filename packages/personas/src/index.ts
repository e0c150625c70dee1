// The public API of @tta-dev/personas, listed by name.

export { BUILTIN_PERSONAS } from './builtins/index.js';
export { expandToolGlobs } from './catalog/expandToolGlobs.js';
export { PUBLISHED_TOOLS } from './catalog/publishedTools.js';
export { ignoredFolder } from './files/ignoredFolder.js';
export type { ReadBoundedFileOptions } from './files/readBoundedFile.js';
export {
  MAX_USER_FILE_BYTES,
  readBoundedFile,
  readBoundedFileSync,
} from './files/readBoundedFile.js';
export type { FilteredEnvironment, PathOptions, Verdict } from './policy/policy.js';
export {
  BASE_ENVIRONMENT,
  checkGatewayTool,
  checkPath,
  checkTool,
  expandHome,
  filterEnvironment,
  isEnvironmentBlocked,
  isPathAllowed,
  isServerAllowed,
  isToolAllowed,
  needsApproval,
  toolNeedsApproval,
} from './policy/policy.js';
export { GATEWAY_TOOLS_KEY, TOOL_SEPARATOR, toolName } from './policy/toolName.js';
export type {
  LoadedPersona,
  PersonaFolder,
  PersonaRegistryOptions,
  PersonaSource,
} from './registry/PersonaRegistry.js';
export {
  findProjectFolder,
  PERSONA_FILE_EXTENSIONS,
  PersonaRegistry,
} from './registry/PersonaRegistry.js';
export type { FieldPosition } from './schema/fieldPosition.js';
export { fieldPosition, offsetPosition } from './schema/fieldPosition.js';
export type { FileIssue } from './schema/fileIssues.js';
export { describeZodIssue, formatFileIssues, locateZodIssue } from './schema/fileIssues.js';
export type { PersonaFileIssue } from './schema/PersonaFileError.js';
export { isPersonaFileError, PersonaFileError } from './schema/PersonaFileError.js';
export type { Persona, PersonaInput } from './schema/PersonaSchema.js';
export {
  PersonaContextSchema,
  PersonaSchema,
  PersonaSecuritySchema,
  PersonaWorkflowsSchema,
} from './schema/PersonaSchema.js';
export { parsePersona } from './schema/parsePersona.js';
export type { ParsedYamlFile } from './schema/parseYamlFile.js';
export { MAX_YAML_ALIAS_COUNT, parseYamlFile } from './schema/parseYamlFile.js';
export {
  type ActivePersona,
  CONFIG_FILE,
  ConfigCorruptError,
  DEFAULT_HISTORY_LIMIT,
  type EffectivePersona,
  isConfigCorruptError,
  type PersonaConfig,
  type PersonaHolder,
  type PersonaIdentity,
  type PersonaScope,
  PersonaScopes,
  type PersonaScopesOptions,
  PersonaStore,
  type PersonaStoreOptions,
  type PersonaSwitch,
  PROJECT_PERSONA_FILE,
  RUN_PERSONAS_FOLDER,
  type RunPersona,
  readConfig,
  ttaHome,
} from './store/index.js';
