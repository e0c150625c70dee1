import type { PersonaInput } from '../schema/PersonaSchema.js';
import {
  ALWAYS_BLOCKED,
  CONTEXT7_ALL,
  FILESYSTEM_ALL,
  GIT_WORK,
  GITHUB_READ,
  LOGSEQ_JOURNAL,
  MEMORY_ALL,
  SECRET_PATHS,
} from './shared.js';

export const dataScience: PersonaInput = {
  name: 'tta-data-scientist',
  displayName: 'Data Scientist',
  description:
    'Explores data, builds and evaluates models, and reports findings with the queries behind them.',
  icon: '🔬',
  aliases: ['data-science', 'data', 'ds'],
  chatmodes: ['data-science-specialist'],
  tokenBudget: 16000,
  allowedServers: [
    'postgres',
    'filesystem',
    'git',
    'github',
    'context7',
    'sequential-thinking',
    'memory',
    'logseq',
  ],
  allowedTools: {
    postgres: ['query'],
    filesystem: FILESYSTEM_ALL,
    git: GIT_WORK,
    github: GITHUB_READ,
    context7: CONTEXT7_ALL,
    'sequential-thinking': ['sequentialthinking'],
    memory: MEMORY_ALL,
    logseq: LOGSEQ_JOURNAL,
  },
  restrictedPaths: [...SECRET_PATHS, 'data/raw/**/*.pii.*'],
  context: {
    primaryLanguage: 'python',
    frameworks: ['pandas', 'polars', 'scikit-learn', 'pytorch', 'jupyter', 'duckdb'],
    focusAreas: [
      'exploratory analysis',
      'feature engineering',
      'model evaluation',
      'reproducibility',
      'data privacy',
    ],
    keyFiles: ['notebooks/**/*.ipynb', 'pyproject.toml', 'data/README.md', '**/*.sql'],
  },
  security: {
    allowEnvironmentAccess: [
      'DATABASE_URL',
      'PG*',
      'GITHUB_PERSONAL_ACCESS_TOKEN',
      'CONTEXT7_API_KEY',
      'LOGSEQ_API_*',
      'MEMORY_FILE_PATH',
    ],
    blockList: ALWAYS_BLOCKED,
    requireApprovalFor: ['git__git_push', 'run:git push*'],
  },
  workflows: { available: ['feature-development'] },
};
