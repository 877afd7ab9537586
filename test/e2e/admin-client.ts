/**
 * A small client of the standalone server's GitLab REST API (`/api/v4`), for setting up users,
 * groups, projects, members and tokens in end-to-end tests — the calls an administrator's
 * script makes against GitLab, with HTTP Basic credentials (Wharf's own tools sign in that way).
 *
 * The API's ids are GitLab's numbers; this client hands them back as strings so that a test can
 * keep one in a string variable and pass it back (`createPat(user.id)`, `revokePat(pat.id)`).
 */

/** GitLab's `access_level` of each role name the tests use. */
const ACCESS_LEVELS: Readonly<Record<string, number>> = { guest: 10, reporter: 20, developer: 30, maintainer: 40, owner: 50 };

type Visibility = 'private' | 'internal' | 'public';

/** A record the API answered, with its numeric `id` as a string. */
type WithId<T> = Omit<T, 'id'> & { id: string };

/** `owner/name` → `['owner', 'name']`; a path without a slash has no parent. */
function splitPath(path: string): [parent: string | null, segment: string] {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? [null, path] : [path.slice(0, slash), path.slice(slash + 1)];
}

export class AdminClient {
  /** The project of each job this client started: GitLab's finish route names both. */
  private readonly jobProjects = new Map<string, string>();

  constructor(
    private readonly baseUrl: string,
    private readonly username: string,
    private readonly password: string,
  ) {}

  /**
   * One call of `/api/v4` with this client's credentials.
   * @throws Error naming the call, the status and the body when the answer is not 2xx
   */
  async call<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}/api/v4${path}`, {
      method,
      headers: {
        Authorization: `Basic ${Buffer.from(`${this.username}:${this.password}`).toString('base64')}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} /api/v4${path}: HTTP ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  }

  /** A call whose answer is a record with a numeric id. */
  private async record<T extends { id: number }>(method: string, path: string, body?: unknown): Promise<WithId<T>> {
    const answer = await this.call<T>(method, path, body);
    return { ...answer, id: String(answer.id) };
  }

  /** `POST /users`; `two_factor` is GitLab's `two_factor_enabled`. */
  createUser(username: string, password: string, extra: { two_factor?: boolean; admin?: boolean } = {}) {
    return this.record<{ id: number; username: string }>('POST', '/users', {
      username,
      password,
      ...(extra.admin !== undefined ? { admin: extra.admin } : {}),
      ...(extra.two_factor !== undefined ? { two_factor_enabled: extra.two_factor } : {}),
    });
  }

  /** `POST /groups`; a path with slashes makes a subgroup of the group above it. */
  async createGroup(path: string, visibility: Visibility = 'private') {
    const [parent, segment] = splitPath(path);
    const parentId = parent === null ? undefined : (await this.call<{ id: number }>('GET', `/groups/${encodeURIComponent(parent)}`)).id;
    return this.record<{ id: number; full_path: string }>('POST', '/groups', {
      name: segment,
      path: segment,
      visibility,
      ...(parentId !== undefined ? { parent_id: parentId } : {}),
    });
  }

  /** `POST /projects` in the group the path names (`group/project`). */
  createProject(path: string, visibility: Visibility) {
    const [group, segment] = splitPath(path);
    if (group === null) throw new Error(`project path ${path} names no group: projects live in groups`);
    return this.record<{ id: number; path_with_namespace: string }>('POST', '/projects', { path: segment, namespace_id: group, visibility });
  }

  /** `POST /projects/:id/members` with the role's `access_level`. */
  addProjectMember(project: string, username: string, role: string) {
    const level = ACCESS_LEVELS[role];
    if (level === undefined) throw new Error(`unknown role ${role}: one of ${Object.keys(ACCESS_LEVELS).join(', ')}`);
    return this.call('POST', `/projects/${encodeURIComponent(project)}/members`, { username, access_level: level });
  }

  /** `POST /users/:id/personal_access_tokens`: the answer carries the secret as `token`. */
  createPat(userId: string | number, name: string, scopes: string[]) {
    return this.record<{ id: number; token: string }>('POST', `/users/${userId}/personal_access_tokens`, { name, scopes });
  }

  /** `DELETE /personal_access_tokens/:id`. */
  revokePat(id: string | number) {
    return this.call('DELETE', `/personal_access_tokens/${id}`);
  }

  /** `POST /projects/:id/deploy_tokens`: the answer carries the username and the secret (`token`). */
  createDeployToken(project: string, scopes: string[], name = 'e2e') {
    return this.record<{ id: number; username: string; token: string }>('POST', `/projects/${encodeURIComponent(project)}/deploy_tokens`, {
      name,
      scopes,
    });
  }

  /** `POST /projects/:id/jobs` (Wharf's extension): a running CI job as `username`, with its job token. */
  async startJob(project: string, username: string) {
    const job = await this.record<{ id: number; token: string }>('POST', `/projects/${encodeURIComponent(project)}/jobs`, { username });
    this.jobProjects.set(job.id, project);
    return job;
  }

  /** `POST /projects/:id/jobs/:job_id/finish` for a job this client started: its token stops working. */
  async finishJob(id: string | number) {
    const project = this.jobProjects.get(String(id));
    if (project === undefined) throw new Error(`job ${id} was not started by this client: its project is unknown`);
    return this.call('POST', `/projects/${encodeURIComponent(project)}/jobs/${id}/finish`);
  }
}
