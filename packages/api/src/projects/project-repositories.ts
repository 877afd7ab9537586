/**
 * The registry repositories of a project: its own image (`team/app`) and every repository
 * below its path (`team/app/api`). A project cannot contain groups or projects, so everything
 * below its path is its own; a prefix alone would also take `team/application`.
 * @module
 */
import type { RegistryManagement } from '@wharf/core';

/** The names of the repositories of the project at `path`, in lexical order. */
export async function projectRepositories(management: RegistryManagement, path: string): Promise<string[]> {
  const names = await management.index.names(path);
  return names.filter((n) => n === path || n.startsWith(`${path}/`));
}
