/**
 * The OpenAPI 3.1 document of the API, written from the route table (route-table.ts): the
 * parameter schemas that validate requests are the ones documented, converted by zod's own
 * JSON Schema output (draft 2020-12, which OpenAPI 3.1 uses). Reads document their parameters
 * in the query; writes document them as a JSON or form body (GitLab takes both, and the query
 * too).
 * @module
 */
import { z } from 'zod';
import { PATH_PARAMETERS, type RouteDefinition } from './route-table.js';

type Json = Record<string, unknown>;

/** Hono's `/projects/:id` as OpenAPI's `/projects/{id}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z_]+)/g, '{$1}');
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Json;
  void $schema;
  return rest;
}

const ERROR_BODY: Json = {
  type: 'object',
  properties: {
    message: {
      anyOf: [
        { type: 'string' },
        { type: 'object', additionalProperties: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] } },
      ],
    },
    error: { type: 'string' },
  },
  description: "GitLab's error body: `message` (an object of messages for some refused updates, as GitLab answers them), and `error` for a parameter problem",
};

/** Every error response points at the one schema, in `components`. */
const ERROR_REF: Json = { $ref: '#/components/schemas/Error' };

const ERROR_TEXT: Readonly<Record<number, string>> = {
  400: 'A parameter is missing or invalid',
  401: 'No valid credentials',
  403: 'The caller may not do this',
  404: 'Not found, or not visible to the caller',
  409: 'Conflicts with the current state',
  413: 'The body is too large',
  415: 'The body is not JSON or a form',
  422: 'Refused as given',
  429: 'Too many failed logins, or password checks saturated',
};

const PAGINATION_HEADERS: Json = Object.fromEntries(
  ['X-Page', 'X-Per-Page', 'X-Total', 'X-Total-Pages', 'X-Next-Page', 'X-Prev-Page', 'Link'].map((h) => [h, { schema: { type: 'string' } }]),
);

function parameters(route: RouteDefinition): Json[] {
  const names = [...route.path.matchAll(/:([A-Za-z_]+)/g)].map((m) => m[1] as string);
  const inPath = names.map((name) => ({
    name,
    in: 'path',
    required: true,
    description: PATH_PARAMETERS[name] ?? name,
    schema: { type: 'string' },
  }));
  if (route.method !== 'get' && route.method !== 'delete') return inPath;
  if (!route.input) return inPath;
  const schema = jsonSchema(route.input, 'input');
  const properties = (schema.properties ?? {}) as Record<string, Json>;
  const required = new Set((schema.required ?? []) as string[]);
  const inQuery = Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return { name, in: 'query', required: required.has(name), ...(description ? { description } : {}), schema: rest };
  });
  return [...inPath, ...inQuery];
}

function operation(route: RouteDefinition): Json {
  const { status, description, schema, paginated } = route.response;
  const content = schema ? { content: { 'application/json': { schema: jsonSchema(schema, 'output') } } } : {};
  const headers = paginated ? { headers: PAGINATION_HEADERS } : {};
  const errors = [...new Set([400, 401, 403, 404, ...(route.errors ?? [])])].sort();
  const responses: Json = { [String(status)]: { description, ...headers, ...content } };
  for (const code of errors) responses[String(code)] = { description: ERROR_TEXT[code] ?? 'Error', content: { 'application/json': { schema: ERROR_REF } } };
  const withBody = route.input && route.method !== 'get' && route.method !== 'delete';
  const body = withBody
    ? {
        requestBody: {
          required: false,
          content: {
            'application/json': { schema: jsonSchema(route.input as z.ZodType, 'input') },
            'application/x-www-form-urlencoded': { schema: jsonSchema(route.input as z.ZodType, 'input') },
          },
        },
      }
    : {};
  const security =
    route.access.auth === 'public'
      ? [{}, { privateToken: [] }, { bearer: [] }, ...(route.access.jobToken ? [{ jobToken: [] }] : [])]
      : [{ privateToken: [] }, { bearer: [] }, { basic: [] }, ...(route.access.jobToken ? [{ jobToken: [] }] : [])];
  return {
    operationId: route.operationId,
    tags: [route.tag],
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    parameters: parameters(route),
    ...body,
    responses,
    security,
  };
}

/** The OpenAPI 3.1 document of `routes`, served under `basePath`. */
export function openApiDocument(routes: readonly RouteDefinition[], options: { basePath: string; version: string }): Json {
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    paths[path] ??= {};
    (paths[path] as Json)[route.method] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Wharf REST API',
      version: options.version,
      description:
        "GitLab's REST API v4 for the container registry, projects, groups, members, users and tokens, as Wharf serves it, plus Wharf's own registry operations. Ids are GitLab's numeric ids; a project or group `id` may also be its URL-encoded full path.",
    },
    servers: [{ url: options.basePath }],
    paths,
    components: {
      schemas: { Error: ERROR_BODY },
      securitySchemes: {
        privateToken: { type: 'apiKey', in: 'header', name: 'PRIVATE-TOKEN', description: 'A personal access token (scope `api`, or `read_api` for reads)' },
        bearer: { type: 'http', scheme: 'bearer', description: 'A personal access token' },
        jobToken: { type: 'apiKey', in: 'header', name: 'JOB-TOKEN', description: "A running CI job's token" },
        basic: { type: 'http', scheme: 'basic', description: "A username with a password or personal access token (Wharf's own tools)" },
      },
    },
  };
}
