/**
 * A small client of the standalone server's admin API (`/api/v1`, GitLab-style), for setting
 * up users, projects and tokens in end-to-end tests.
 */
export class AdminClient {
  constructor(
    private readonly baseUrl: string,
    private readonly username: string,
    private readonly password: string,
  ) {}

  async call<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}/api/v1${path}`, {
      method,
      headers: {
        Authorization: `Basic ${Buffer.from(`${this.username}:${this.password}`).toString('base64')}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} /api/v1${path}: HTTP ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  }

  createUser(username: string, password: string, extra: { two_factor?: boolean; admin?: boolean } = {}) {
    return this.call<{ id: string }>('POST', '/users', { username, password, ...extra });
  }
  createGroup(path: string, visibility: 'private' | 'internal' | 'public' = 'private') {
    return this.call<{ id: string }>('POST', '/groups', { path, visibility });
  }
  createProject(path: string, visibility: 'private' | 'internal' | 'public') {
    return this.call<{ id: string }>('POST', '/projects', { path, visibility });
  }
  addProjectMember(project: string, username: string, role: string) {
    return this.call('POST', `/projects/${encodeURIComponent(project)}/members`, { username, role });
  }
  createPat(userId: string, name: string, scopes: string[]) {
    return this.call<{ id: string; token: string }>('POST', `/users/${userId}/personal_access_tokens`, { name, scopes });
  }
  revokePat(id: string) {
    return this.call('DELETE', `/personal_access_tokens/${id}`);
  }
  createDeployToken(project: string, scopes: string[]) {
    return this.call<{ id: string; username: string; token: string }>('POST', `/projects/${encodeURIComponent(project)}/deploy_tokens`, { scopes });
  }
  startJob(project: string, username: string) {
    return this.call<{ id: string; token: string }>('POST', `/projects/${encodeURIComponent(project)}/jobs`, { user: username });
  }
  finishJob(id: string) {
    return this.call('POST', `/jobs/${id}/finish`);
  }
}
