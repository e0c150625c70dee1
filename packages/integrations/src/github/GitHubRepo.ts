/** A repository on GitHub: `owner/name`. */
export interface GitHubRepo {
  readonly owner: string;
  readonly name: string;
}

export const repoName = (repo: GitHubRepo) => `${repo.owner}/${repo.name}`;

const PART = /^[A-Za-z0-9_.-]+$/;

/** "owner/name" (as `with.repo` or GITHUB_REPOSITORY give it), or undefined. */
export function parseRepoName(text: string): GitHubRepo | undefined {
  const [owner, name, ...rest] = text.trim().split('/');
  if (rest.length > 0 || !owner || !name || !PART.test(owner) || !PART.test(name)) return undefined;
  return { owner, name: name.replace(/\.git$/, '') };
}

/**
 * The repository a git remote URL points at, when its host is one of `hosts` (github.com, or a
 * GitHub Enterprise server): https://github.com/o/r.git, git@github.com:o/r.git,
 * ssh://git@github.com/o/r, git://… Credentials and ports in the URL are ignored.
 */
export function repoOfRemoteUrl(url: string, hosts: readonly string[]): GitHubRepo | undefined {
  const scp = /^(?:[^@/]+@)?([^:/]+):(?!\/\/)(.+)$/.exec(url.trim());
  let host: string;
  let path: string;
  if (scp !== null) {
    host = scp[1]!;
    path = scp[2]!;
  } else {
    try {
      const parsed = new URL(url.trim());
      host = parsed.hostname;
      path = parsed.pathname;
    } catch {
      return undefined;
    }
  }
  if (!hosts.some((h) => h.toLowerCase() === host.toLowerCase())) return undefined;
  return parseRepoName(path.replace(/^\/+|\/+$/g, ''));
}
