/**
 * zod arrays and records that give up after a few invalid entries.
 *
 * zod reports every invalid entry of a collection, and a 4 MiB manifest can hold some 400,000
 * of them: building those issues took seconds on the event loop, and past about 100,000 in one
 * field zod overflowed the stack (a 500). These collections check entries one by one and stop
 * after {@link MAX_INVALID_ENTRIES} invalid ones, adding one issue that says how many were not
 * checked ({@link uncheckedBy}). Valid input parses to the same value as with `z.array` and
 * `z.record`.
 * @module
 */
import { z } from 'zod';

/** Invalid entries of one collection reported before the rest is left unchecked. */
export const MAX_INVALID_ENTRIES = 5;

/** `z.array(item)`, stopping after a few invalid items. */
export function boundedArray<T extends z.ZodType>(item: T) {
  return z.array(z.unknown()).transform((values, ctx): z.output<T>[] => {
    const out: z.output<T>[] = [];
    let invalid = 0;
    for (let i = 0; i < values.length; i++) {
      const result = item.safeParse(values[i]);
      if (result.success) {
        out.push(result.data);
        continue;
      }
      for (const issue of result.error.issues) ctx.addIssue(nested(issue, i));
      if (++invalid >= MAX_INVALID_ENTRIES && i + 1 < values.length) {
        ctx.addIssue(notChecked(values.length - i - 1));
        break;
      }
    }
    return out;
  });
}

/** `z.record(z.string(), value)`, stopping after a few invalid values. */
export function boundedRecord<T extends z.ZodType>(value: T) {
  // Not z.record(z.string(), z.unknown()) first: that copies every entry before any is checked.
  return z.unknown().transform((entries, ctx): Record<string, z.output<T>> => {
    const out: Record<string, z.output<T>> = {};
    if (!isPlainObject(entries)) {
      ctx.addIssue({ code: 'custom', message: `Invalid input: expected an object, received ${Array.isArray(entries) ? 'an array' : typeof entries}`, path: [] });
      return z.NEVER;
    }
    const keys = Object.keys(entries);
    let invalid = 0;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      // As zod does: an own `__proto__` key would set the result's prototype.
      if (key === '__proto__') continue;
      const result = value.safeParse(entries[key]);
      if (result.success) {
        out[key] = result.data;
        continue;
      }
      for (const issue of result.error.issues) ctx.addIssue(nested(issue, key));
      if (++invalid >= MAX_INVALID_ENTRIES && i + 1 < keys.length) {
        ctx.addIssue(notChecked(keys.length - i - 1));
        break;
      }
    }
    return out;
  });
}

/** An entry's issue as an issue of the collection, keeping what {@link uncheckedBy} reads. */
function nested(issue: z.core.$ZodIssue, at: PropertyKey) {
  const unchecked = uncheckedBy(issue);
  return { code: 'custom' as const, message: issue.message, path: [at, ...issue.path], ...(unchecked > 0 ? { params: { unchecked } } : {}) };
}

/** The issue that ends a collection's check early; `params.unchecked` counts what was left. */
function notChecked(unchecked: number) {
  return { code: 'custom' as const, message: `${unchecked} further entries were not checked`, path: [], params: { unchecked } };
}

/** How many entries an issue says were left unchecked (0 for any other issue). */
export function uncheckedBy(issue: { readonly code: string; readonly params?: unknown }): number {
  const params = issue.code === 'custom' ? (issue.params as { unchecked?: unknown } | undefined) : undefined;
  return typeof params?.unchecked === 'number' ? params.unchecked : 0;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
