/**
 * Which repositories of a listed page the user may delete: one question to the host for the
 * whole page, so the list can show a delete button per row (the handler checks again).
 * @module
 */
import type { UiUser } from '../options.js';
import type { Frame } from '../views/layout.js';
import type { RowDeletes } from '../views/repository-list.js';

export async function rowDeletes(user: UiUser, frame: Frame, names: readonly string[]): Promise<RowDeletes | null> {
  if (!user.deletable || !frame.csrf || names.length === 0) return null;
  return { csrf: frame.csrf, names: new Set(await user.deletable(names)) };
}
