// Tool lists shared by several built-in personas. Names are as the servers publish them: the
// official GitHub server (github/github-mcp-server) and, where its names differ, the npm
// @modelcontextprotocol/server-github; the Python mcp-server-git and @cyanheads/git-mcp-server
// (both git_*); grafana/mcp-grafana; ergut/mcp-logseq; and the reference servers on npm.
// docs/personas.md lists where each list was read from.

import { PUBLISHED_TOOLS } from '../catalog/publishedTools.js';

/** Reading a repository on GitHub. */
export const GITHUB_READ = [
  'get_me',
  'get_file_contents',
  'search_code',
  'search_repositories',
  'list_commits',
  'get_commit',
  'list_branches',
  'list_tags',
  'list_releases',
  'get_latest_release',
  'issue_read',
  'get_issue',
  'list_issues',
  'search_issues',
  'pull_request_read',
  'get_pull_request*',
  'list_pull_requests',
  'search_pull_requests',
];

/** Issues and pull requests: reading plus writing. */
export const GITHUB_COLLABORATE = [
  ...GITHUB_READ,
  'issue_write',
  'create_issue',
  'update_issue',
  'add_issue_comment',
  'create_branch',
  'create_pull_request',
  'update_pull_request',
  'pull_request_review_write',
  'create_pull_request_review',
  'add_comment_to_pending_review',
];

/** Reading a local repository with git. */
export const GIT_READ = [
  'git_status',
  'git_diff*',
  'git_log',
  'git_show',
  'git_branch',
  'git_blame',
];

/** Day-to-day git work, short of rewriting or pushing history. */
export const GIT_WORK = [
  ...GIT_READ,
  'git_add',
  'git_commit',
  'git_create_branch',
  'git_checkout',
  'git_stash',
];

/** Reading and writing files (@modelcontextprotocol/server-filesystem): all it publishes. */
export const FILESYSTEM_ALL = [...PUBLISHED_TOOLS.filesystem!];

/** Reading files only. */
export const FILESYSTEM_READ = [
  'read_text_file',
  'read_file',
  'read_media_file',
  'read_multiple_files',
  'list_directory',
  'list_directory_with_sizes',
  'directory_tree',
  'search_files',
  'get_file_info',
  'list_allowed_directories',
];

/** The knowledge graph of @modelcontextprotocol/server-memory. */
export const MEMORY_ALL = [
  'create_entities',
  'create_relations',
  'add_observations',
  'read_graph',
  'search_nodes',
  'open_nodes',
];

/** Journalling decisions and learnings into Logseq (mcp-logseq). */
export const LOGSEQ_JOURNAL = [
  'search',
  'list_pages',
  'get_page_content',
  'get_pages_from_namespace',
  'create_page',
  'update_page',
  'insert_nested_block',
  'set_block_properties',
];

/**
 * Library documentation (@upstash/context7-mcp). Its `get-library-docs` was renamed `query-docs`
 * (upstash/context7#1319); current releases publish only these two.
 */
export const CONTEXT7_ALL = ['resolve-library-id', 'query-docs'];

/** Environment variables no built-in persona passes to a server. */
export const ALWAYS_BLOCKED = [
  'AWS_*',
  'AZURE_*',
  'GOOGLE_APPLICATION_CREDENTIALS',
  'NPM_TOKEN',
  'PYPI_TOKEN',
  'SSH_*',
  '*_PASSWORD',
];

/** Paths no built-in persona reads or writes. */
export const SECRET_PATHS = [
  '**/.env',
  '**/.env.*',
  '**/*.pem',
  '**/*.key',
  '**/id_rsa*',
  '**/.npmrc',
  '~/.ssh/**',
  '~/.aws/**',
];
