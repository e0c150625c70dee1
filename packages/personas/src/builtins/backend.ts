import type { PersonaInput } from '../schema/PersonaSchema.js';
import {
  ALWAYS_BLOCKED,
  CONTEXT7_ALL,
  FILESYSTEM_ALL,
  GIT_WORK,
  GITHUB_COLLABORATE,
  LOGSEQ_JOURNAL,
  MEMORY_ALL,
  SECRET_PATHS,
} from './shared.js';

export const backend: PersonaInput = {
  name: 'tta-backend-engineer',
  displayName: 'Backend Engineer',
  description: 'Designs and builds APIs, services and data access, with their tests and contracts.',
  icon: '⚙️',
  aliases: ['backend', 'be'],
  chatmodes: ['backend-developer'],
  tokenBudget: 17000,
  allowedServers: [
    'github',
    'git',
    'filesystem',
    'context7',
    'sequential-thinking',
    'memory',
    'logseq',
  ],
  allowedTools: {
    github: GITHUB_COLLABORATE,
    git: GIT_WORK,
    filesystem: FILESYSTEM_ALL,
    context7: CONTEXT7_ALL,
    'sequential-thinking': ['sequentialthinking'],
    memory: MEMORY_ALL,
    logseq: LOGSEQ_JOURNAL,
  },
  restrictedPaths: [...SECRET_PATHS, '**/node_modules/**', 'infra/**', '.github/workflows/**'],
  context: {
    primaryLanguage: 'typescript',
    frameworks: ['node', 'express', 'fastify', 'fastapi', 'prisma', 'zod'],
    focusAreas: ['API design', 'data modelling', 'error handling', 'performance', 'security'],
    keyFiles: [
      'package.json',
      'pyproject.toml',
      'src/**/*.ts',
      'openapi.{yaml,json}',
      'prisma/schema.prisma',
    ],
  },
  security: {
    allowEnvironmentAccess: [
      'GITHUB_PERSONAL_ACCESS_TOKEN',
      'GITHUB_TOOLSETS',
      'CONTEXT7_API_KEY',
      'LOGSEQ_API_*',
      'MEMORY_FILE_PATH',
    ],
    blockList: [...ALWAYS_BLOCKED, 'DATABASE_URL'],
    requireApprovalFor: [
      'github__merge_pull_request',
      'github__delete_file',
      'git__git_push',
      'git__git_reset',
      'run:git push*',
    ],
  },
  workflows: {
    default: 'feature-development',
    available: ['feature-development', 'package-release', 'incident-response'],
  },
};
