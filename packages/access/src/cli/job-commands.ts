/**
 * `wharf admin job …`: start a CI job (printing its token once), finish it, list jobs.
 * For CI systems that are not GitLab: start a job before the pipeline logs in with
 * `gitlab-ci-token` / `wharf-ci-token`, finish it when the pipeline ends.
 * @module
 */
import { flag, type Noun, requiredFlag, table, UsageError } from './verb.js';

/** `90`, `90s`, `30m`, `2h` → milliseconds. @throws UsageError */
export function parseDuration(text: string): number {
  const match = /^(\d+)\s*(s|m|h)?$/.exec(text.trim());
  if (!match) throw new UsageError(`--max-duration takes seconds or a number with s, m or h (e.g. 2h), not ${JSON.stringify(text)}`);
  const unit = { s: 1_000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 's' | 'm' | 'h'];
  return Number(match[1]) * unit;
}

export const jobCommands: Noun = {
  summary: 'CI jobs: start, finish, list',
  verbs: {
    start: {
      summary: 'start a job and print its token (once)',
      usage: '--project <path> --user <user> [--max-duration 24h]',
      notes: [
        'Log in with username gitlab-ci-token (or wharf-ci-token) and the token.',
        "The token pulls what the user can read and pushes only to the job's project; it stops working when the job finishes or the duration runs out.",
      ],
      flags: { project: { type: 'string' }, user: { type: 'string' }, 'max-duration': { type: 'string' } },
      async run(values, _args, io) {
        const duration = flag(values, 'max-duration');
        const { job, token } = await io.store.startJob({
          project: requiredFlag(values, 'project'),
          user: requiredFlag(values, 'user'),
          ...(duration !== undefined && { maxDurationMs: parseDuration(duration) }),
        });
        io.out(`id: ${job.id}`);
        io.out(`token: ${token}`);
        io.err(`The token works until the job finishes (wharf admin job finish ${job.id}) or ${job.expiresAt}.`);
        return 0;
      },
    },
    finish: {
      summary: 'finish a job: its token stops working',
      usage: '<id>',
      args: ['id'],
      async run(_values, [id], io) {
        const job = await io.store.finishJob(id as string);
        io.out(`finished job ${job.id}`);
        return 0;
      },
    },
    list: {
      summary: 'list jobs',
      usage: '',
      async run(_values, _args, io) {
        const jobs = await io.store.listJobs();
        const projects = new Map((await io.store.listProjects()).map((p) => [p.id, p.path]));
        const users = new Map((await io.store.listUsers()).map((u) => [u.id, u.username]));
        const rows = jobs.map((j) => [
          j.id,
          projects.get(j.projectId) ?? j.projectId,
          users.get(j.userId) ?? j.userId,
          j.status,
          j.tokenActive ? 'yes' : 'no',
        ]);
        for (const line of table(['ID', 'PROJECT', 'USER', 'STATUS', 'TOKEN ACTIVE'], rows)) io.out(line);
        return 0;
      },
    },
  },
};
