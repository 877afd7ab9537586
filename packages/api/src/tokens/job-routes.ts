/**
 * CI jobs. `GET /job` is GitLab's: a running job reads itself with its `JOB-TOKEN`.
 *
 * Wharf runs no pipelines, so a host's CI system tells it when a job starts and ends — a
 * Wharf extension, named in GitLab's style:
 *
 * - `POST /projects/:id/jobs` starts a job for a project, run as a user, and answers the job
 *   with its token (`token`, this once): what the CI system hands the job as `CI_JOB_TOKEN`
 *   (and `CI_REGISTRY_PASSWORD`, with `gitlab-ci-token` as the username). Administrators may
 *   run a job as anyone; a project's maintainer only as themself, since a job token acts with
 *   its user's rights.
 * - `POST /projects/:id/jobs/:job_id/finish` ends it: its token stops working. The project's
 *   maintainers and administrators may, and the job itself with its own `JOB-TOKEN`.
 * - `GET /projects/:id/jobs` and `GET /projects/:id/jobs/:job_id` read them, as in GitLab, for
 *   the project's reporters and above.
 *
 * A job's token also stops at its deadline (`max_duration_seconds`, default the store's 24 h),
 * as a job timeout; such a job shows `status: failed`.
 * @module
 */
import { MAX_JOB_DURATION_MS, type JobRecord, type ProjectRecord, type UserRecord } from '@wharf/access';
import { z } from 'zod';
import type { Caller } from '../auth/caller.js';
import { findProject, numericId } from '../auth/find.js';
import { levelAtLeast, projectLevel, requireProjectLevel } from '../auth/rights.js';
import { type ApiDeps, originOf } from '../deps.js';
import { badParameter, forbidden, notFound, unauthorized } from '../http/api-error.js';
import { intParam, stringListParam } from '../http/input.js';
import { offsetPage, offsetParams, pageOf } from '../http/pagination.js';
import type { ApiContext, RouteTable } from '../http/route-table.js';
import { jobStatus, presentJob } from '../presenters/tokens.js';

const startInput = z.object({
  user_id: intParam.optional().describe('The user the job runs as (default the caller; another user needs an administrator)'),
  username: z.string().min(1).max(255).optional().describe('The user the job runs as, by username'),
  max_duration_seconds: intParam
    .pipe(
      z
        .number()
        .int()
        .min(1)
        .max(MAX_JOB_DURATION_MS / 1000),
    )
    .optional()
    .describe("When the job's token stops working at the latest (default 24 hours)"),
});

const JOB_STATUSES = ['running', 'success', 'failed'] as const;

const listInput = z.object({
  ...offsetParams,
  scope: stringListParam.optional().describe(`Only jobs with these statuses (${JOB_STATUSES.join(', ')})`),
});

function present(deps: ApiDeps, c: ApiContext, job: JobRecord, secret?: string) {
  return presentJob(c.get('state'), job, deps.store.now(), { origin: originOf(deps, c.req.raw) }, secret);
}

/** The user a new job runs as. @throws ApiError 404 `User Not Found`, 403 for another user to a non-administrator */
function runAs(c: ApiContext, caller: Caller, input: z.output<typeof startInput>): UserRecord {
  if (caller.kind !== 'user') throw forbidden();
  const state = c.get('state');
  if (input.user_id === undefined && input.username === undefined) return caller.user;
  const user = input.user_id !== undefined ? state.byNumber('users', input.user_id) : state.userByName(input.username ?? '');
  if (!user || (input.username !== undefined && user.username.toLowerCase() !== input.username.toLowerCase())) throw notFound('User');
  if (user.id !== caller.user.id && !caller.user.admin) throw forbidden('only administrators may start a job as another user');
  return user;
}

/** The job `:job_id` of this project. @throws ApiError 404 `Job Not Found` */
function projectJob(c: ApiContext, project: ProjectRecord): JobRecord {
  const number = numericId(c.req.param('job_id') ?? '');
  if (number === null) throw badParameter('job_id is invalid');
  const job = c.get('state').byNumber('jobs', number);
  if (!job || job.projectId !== project.id) throw notFound('Job');
  return job;
}

/** The project `:id`, for a caller with at least the reporter role on it. */
function readableProject(c: ApiContext): ProjectRecord {
  const state = c.get('state');
  const caller = c.get('caller');
  const project = findProject(state, caller, c.req.param('id') ?? '');
  requireProjectLevel(state, caller, project, 'reporter');
  return project;
}

/** Declare the job endpoints. */
export function jobRoutes(table: RouteTable, deps: ApiDeps): void {
  table.add({
    method: 'get',
    path: '/job',
    operationId: 'getCurrentJob',
    tag: 'jobs',
    summary: 'The job whose JOB-TOKEN made this request',
    access: { auth: 'user', jobToken: true },
    response: { status: 200, description: 'The job' },
    handler: (c) => {
      const caller = c.get('caller');
      if (caller.kind !== 'job') throw unauthorized();
      return c.json(present(deps, c, caller.job));
    },
  });

  table.add({
    method: 'post',
    path: '/projects/:id/jobs',
    operationId: 'startJob',
    tag: 'jobs',
    summary: "Wharf's extension: start a CI job for a project and get its job token",
    description:
      "For a host's CI system: the answer's `token` (this once) is the job's `CI_JOB_TOKEN`. Maintainers start jobs as themselves; administrators as anyone.",
    access: { auth: 'user' },
    input: startInput,
    response: { status: 201, description: 'The job, with its token' },
    errors: [409],
    handler: async (c, input) => {
      const state = c.get('state');
      const caller = c.get('caller');
      const project = findProject(state, caller, c.req.param('id') ?? '');
      requireProjectLevel(state, caller, project, 'maintainer');
      const user = runAs(c, caller, input);
      const { job, token } = await deps.store.startJob({
        project: project.id,
        user: user.id,
        ...(input.max_duration_seconds !== undefined ? { maxDurationMs: input.max_duration_seconds * 1000 } : {}),
      });
      c.set('state', await deps.store.state());
      const record = c.get('state').document.jobs.get(job.id);
      if (!record) throw notFound('Job');
      return c.json(present(deps, c, record, token), 201);
    },
  });

  table.add({
    method: 'get',
    path: '/projects/:id/jobs',
    operationId: 'listProjectJobs',
    tag: 'jobs',
    summary: "List a project's jobs, newest first (reporters and above)",
    access: { auth: 'user' },
    input: listInput,
    response: { status: 200, description: 'The jobs', paginated: 'offset' },
    handler: (c, input) => {
      const project = readableProject(c);
      const scope = input.scope;
      const unknown = scope?.find((s) => !(JOB_STATUSES as readonly string[]).includes(s));
      if (unknown !== undefined) throw badParameter('scope does not have a valid value');
      const now = deps.store.now();
      const jobs = [...c.get('state').document.jobs.values()]
        .filter((j) => j.projectId === project.id && (scope === undefined || scope.includes(jobStatus(j, now))))
        .sort((a, b) => b.number - a.number);
      const { items, headers } = offsetPage(jobs, pageOf(input), new URL(c.req.url));
      return c.json(
        items.map((j) => present(deps, c, j)),
        200,
        headers,
      );
    },
  });

  table.add({
    method: 'get',
    path: '/projects/:id/jobs/:job_id',
    operationId: 'getProjectJob',
    tag: 'jobs',
    summary: "One of a project's jobs (reporters and above)",
    access: { auth: 'user' },
    response: { status: 200, description: 'The job' },
    handler: (c) => c.json(present(deps, c, projectJob(c, readableProject(c)))),
  });

  table.add({
    method: 'post',
    path: '/projects/:id/jobs/:job_id/finish',
    operationId: 'finishJob',
    tag: 'jobs',
    summary: "Wharf's extension: finish a CI job, so its token stops working",
    description:
      "For the project's maintainers, administrators, and the job itself (its JOB-TOKEN). Finishing a finished job changes nothing.",
    access: { auth: 'user', jobToken: true },
    response: { status: 200, description: 'The job as it is now' },
    handler: async (c) => {
      const state = c.get('state');
      const caller = c.get('caller');
      const ref = c.req.param('id') ?? '';
      // A job may finish itself even where its user could not see the project.
      const own = caller.kind === 'job' ? state.document.projects.get(caller.job.projectId) : undefined;
      const project = own && (String(own.number) === ref || own.path === ref) ? own : findProject(state, caller, ref);
      const job = projectJob(c, project);
      const itself = caller.kind === 'job' && caller.job.id === job.id;
      if (!itself && (caller.kind === 'job' || !levelAtLeast(projectLevel(state, caller, project), 'maintainer'))) throw forbidden();
      await deps.store.finishJob(job.id);
      c.set('state', await deps.store.state());
      return c.json(present(deps, c, c.get('state').document.jobs.get(job.id) ?? job));
    },
  });
}
