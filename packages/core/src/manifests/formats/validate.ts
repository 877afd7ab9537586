import type { z } from 'zod';
import { RegistryError } from '../../errors/registry-error.js';

/**
 * Validate with a zod schema, turning the first issue into a MANIFEST_INVALID that names the
 * field (`layers[2].digest: not a valid digest`).
 */
export function validateManifest<T extends z.ZodType>(schema: T, json: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(json);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue?.path.length ? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : '(root)';
  throw new RegistryError('MANIFEST_INVALID', `invalid ${what}: ${where}: ${issue?.message ?? 'does not match the schema'}`, {
    detail: { field: where, issues: result.error.issues.slice(0, 5).map((i) => ({ path: i.path.map(String), message: i.message })) },
  });
}
