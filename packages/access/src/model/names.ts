/**
 * Name grammars: GitLab's usernames and the namespace paths groups and projects live at.
 * Namespace segments follow the OCI repository-name component grammar (lowercase, separators
 * between alphanumerics) so every project path is also a valid image name prefix. Functions
 * answer with the reason a name is invalid, because "invalid name" alone helps nobody.
 * @module
 */

/** Login names the CI job token is presented with; no user may take them. */
export const CI_USERNAMES: readonly string[] = ['gitlab-ci-token', 'wharf-ci-token'];

const USERNAME = /^[a-zA-Z0-9_][a-zA-Z0-9_.-]*$/;
const SEGMENT = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
/** Longest group or project path: image names are at most 255 characters. */
export const MAX_PATH_LENGTH = 255;

/** Why `username` breaks GitLab's username rules, or `null` when it is fine. */
export function explainInvalidUsername(username: string): string | null {
  if (username.length < 2) return `the username ${JSON.stringify(username)} is too short: at least 2 characters are needed`;
  if (username.length > 255) return `the username is ${username.length} characters long; at most 255 are allowed`;
  if (/^[-.]/.test(username))
    return `the username ${JSON.stringify(username)} starts with "${username[0]}"; it must start with a letter, digit or "_"`;
  if (!USERNAME.test(username)) {
    const bad = [...username].find((ch) => !/[a-zA-Z0-9_.-]/.test(ch)) ?? '';
    return `the username ${JSON.stringify(username)} contains ${JSON.stringify(bad)}; only letters, digits, "_", "." and "-" are allowed`;
  }
  if (CI_USERNAMES.includes(username.toLowerCase())) return `the username "${username}" is reserved for CI job tokens`;
  return null;
}

/** Why one path segment is invalid, or `null`. */
function explainInvalidSegment(segment: string, where: string): string | null {
  if (segment.length === 0) return `${where} is empty (a leading, trailing or double "/")`;
  if (/[A-Z]/.test(segment)) return `${where} (${JSON.stringify(segment)}) contains uppercase letters; paths are lowercase`;
  if (!SEGMENT.test(segment)) {
    return `${where} (${JSON.stringify(segment)}) must be lowercase letters and digits, with single ".", "_" or "-" only between them`;
  }
  return null;
}

/**
 * Why a full namespace path (`team`, `team/sub`, `team/sub/app`) is invalid, or `null`.
 * @param kind the word used in messages, "group" or "project"
 */
export function explainInvalidPath(path: string, kind: 'group' | 'project'): string | null {
  if (path.length > MAX_PATH_LENGTH) return `the ${kind} path is ${path.length} characters long; at most ${MAX_PATH_LENGTH} are allowed`;
  const segments = path.split('/');
  if (kind === 'project' && segments.length < 2) {
    return `the project path ${JSON.stringify(path)} has no group: projects live in a group, as "<group>/<project>"`;
  }
  for (const [i, segment] of segments.entries()) {
    const why = explainInvalidSegment(segment, segments.length > 1 ? `segment ${i + 1} of the ${kind} path` : `the ${kind} path`);
    if (why) return why;
  }
  return null;
}

/** The parent of a path (`team/sub` for `team/sub/app`), or `null` for a top-level path. */
export function parentPath(path: string): string | null {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? null : path.slice(0, slash);
}
