import type { PersonaInput } from '../schema/PersonaSchema.js';
import {
  ALWAYS_BLOCKED,
  FILESYSTEM_ALL,
  GIT_READ,
  GITHUB_COLLABORATE,
  LOGSEQ_JOURNAL,
  MEMORY_ALL,
  SECRET_PATHS,
} from './shared.js';

export const testing: PersonaInput = {
  name: 'tta-testing-specialist',
  displayName: 'Testing Specialist',
  description:
    'Writes and runs unit, integration, end-to-end and accessibility tests, and guards coverage and CI.',
  icon: '🧪',
  aliases: ['testing', 'test', 'qa'],
  chatmodes: ['testing-specialist'],
  tokenBudget: 17000,
  allowedServers: ['playwright', 'github', 'git', 'filesystem', 'memory', 'logseq'],
  allowedTools: {
    playwright: ['browser_*'],
    github: [
      ...GITHUB_COLLABORATE,
      'actions_list',
      'actions_get',
      'get_job_logs',
      'get_pull_request_status',
    ],
    git: GIT_READ,
    filesystem: FILESYSTEM_ALL,
    memory: MEMORY_ALL,
    logseq: LOGSEQ_JOURNAL,
  },
  restrictedPaths: [...SECRET_PATHS, 'infra/**', '**/migrations/**'],
  context: {
    primaryLanguage: 'typescript',
    frameworks: ['vitest', 'jest', 'pytest', 'playwright', 'axe-core'],
    focusAreas: [
      'test design',
      'coverage',
      'flaky tests',
      'accessibility',
      'end-to-end flows',
      'CI health',
    ],
    keyFiles: [
      '**/*.test.ts',
      '**/*.spec.ts',
      'tests/**',
      'vitest.config.*',
      'playwright.config.*',
      'pytest.ini',
    ],
  },
  security: {
    allowEnvironmentAccess: [
      'GITHUB_PERSONAL_ACCESS_TOKEN',
      'GITHUB_TOOLSETS',
      'LOGSEQ_API_*',
      'MEMORY_FILE_PATH',
      'PLAYWRIGHT_*',
      'CI',
    ],
    blockList: [...ALWAYS_BLOCKED, 'DATABASE_URL'],
    requireApprovalFor: ['github__merge_pull_request', 'github__actions_run_trigger'],
  },
  workflows: {
    default: 'feature-development',
    available: ['feature-development', 'package-release'],
  },
};
