/**
 * Which project an image belongs to. GitLab names images `<group>/<project>[/<image>…]`, at
 * most three levels below the project; the project is the one whose full path is the longest
 * prefix of the name on `/` boundaries. Anything else belongs to nobody, and nobody gets
 * access to it: a repository is only ever created by pushing into a project.
 * @module
 */
import { explainInvalidName } from '@wharf/core';
import type { AccessState } from '../model/access-state.js';
import type { ProjectRecord } from '../model/schema.js';

/** Levels an image name may have below its project's path. */
export const MAX_IMAGE_DEPTH = 3;

/** The project of a repository and the image path below it (`''` for the project's own image). */
export type RepositoryResolution = { readonly project: ProjectRecord; readonly image: string } | { readonly error: string };

/**
 * Resolve a repository name to its project.
 * @returns `{ project, image }`, or `{ error }` saying why the name belongs to no project
 * @example
 * resolveRepository(state, 'team/app/api/cache') // { project: <team/app>, image: 'api/cache' }
 */
export function resolveRepository(state: AccessState, name: string): RepositoryResolution {
  const invalid = explainInvalidName(name);
  if (invalid) return { error: `invalid repository name: ${invalid}` };
  const segments = name.split('/');
  for (let length = segments.length; length >= 2; length--) {
    const path = segments.slice(0, length).join('/');
    const project = state.projectByPath(path);
    if (!project) continue;
    const depth = segments.length - length;
    if (depth > MAX_IMAGE_DEPTH) {
      return {
        error: `"${name}" is ${depth} levels below the project "${path}"; images may be at most ${MAX_IMAGE_DEPTH} levels deep (${path}/a/b/c)`,
      };
    }
    return { project, image: segments.slice(length).join('/') };
  }
  return {
    error:
      segments.length < 2
        ? `"${name}" names no project: images live at <group>/<project>[/<image>], e.g. "team/${name}"`
        : `no project owns "${name}": images live at <group>/<project>[/<image>] and no project's path is a prefix of this name`,
  };
}
