import type { z } from 'zod';
import { RegistryError } from '../../errors/registry-error.js';
import { uncheckedBy } from '../bounded-collections.js';

/** Bounds of what a validation error repeats of the manifest: its keys can be megabytes long. */
const LIMITS = { issues: 5, segments: 12, segment: 100, message: 300 } as const;

/**
 * Validate with a zod schema, turning the first issue into a MANIFEST_INVALID that names the
 * field (`layers[2].digest: not a valid digest`). The detail lists the first few issues and
 * counts the rest (`more`) and the entries left unchecked (`unchecked`, see
 * bounded-collections.ts); paths and messages are cut short.
 */
export function validateManifest<T extends z.ZodType>(schema: T, json: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(json);
  if (result.success) return result.data;
  const unchecked = result.error.issues.reduce((n, i) => n + uncheckedBy(i), 0);
  const issues = result.error.issues.filter((i) => uncheckedBy(i) === 0);
  const issue = issues[0];
  const where = issue ? fieldOf(issue.path) : '(root)';
  const more = issues.length - LIMITS.issues;
  const notes = [...(issues.length > 1 ? [`${issues.length - 1} more problems`] : []), ...(unchecked > 0 ? [`${unchecked} entries not checked`] : [])];
  const tail = notes.length > 0 ? ` (${notes.join('; ')})` : '';
  throw new RegistryError('MANIFEST_INVALID', `invalid ${what}: ${where}: ${cut(issue?.message ?? 'does not match the schema', LIMITS.message)}${tail}`, {
    detail: {
      field: where,
      issues: issues.slice(0, LIMITS.issues).map((i) => ({ path: segmentsOf(i.path), message: cut(i.message, LIMITS.message) })),
      ...(more > 0 ? { more } : {}),
      ...(unchecked > 0 ? { unchecked } : {}),
    },
  });
}

/** `layers[2].digest`, or `(root)`. */
export function fieldOf(path: readonly PropertyKey[]): string {
  const parts = segmentsOf(path).map((p, i) => (/^\d+$/.test(p) && typeof path[i] === 'number' ? `[${p}]` : `.${p}`));
  return parts.join('').replace(/^\./, '') || '(root)';
}

function segmentsOf(path: readonly PropertyKey[]): string[] {
  const parts = path.slice(0, LIMITS.segments).map((p) => cut(String(p), LIMITS.segment));
  if (path.length > LIMITS.segments) parts.push('…');
  return parts;
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
