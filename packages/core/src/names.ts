/**
 * Repository names, tags and references (distribution spec, "Definitions").
 * Errors say exactly what is wrong, because "invalid reference format" is one of the most
 * confusing failures users of other registries meet.
 * @module
 */
import { RegistryError } from './errors/registry-error.js';

/** Longest repository name accepted. */
export const MAX_NAME_LENGTH = 255;

const COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
/** The spec's tag grammar. */
export const TAG_PATTERN = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;

/** Why a name is invalid, or `null` when it is valid. */
export function explainInvalidName(name: string): string | null {
  if (name.length === 0) return 'the repository name is empty';
  if (name.length > MAX_NAME_LENGTH) {
    return `the repository name is ${name.length} characters long; at most ${MAX_NAME_LENGTH} are allowed`;
  }
  const components = name.split('/');
  for (const [i, c] of components.entries()) {
    const where = components.length > 1 ? `path component ${i + 1} (${JSON.stringify(c)})` : `the name ${JSON.stringify(c)}`;
    if (c.length === 0) return `the repository name has an empty path component (a leading, trailing or double "/")`;
    if (c === '.' || c === '..') return `${where} is a relative path segment, which is not allowed`;
    if (/[A-Z]/.test(c)) return `${where} contains uppercase letters; only lowercase letters are allowed`;
    if (/[^a-z0-9._-]/.test(c)) {
      const bad = [...c].find((ch) => /[^a-z0-9._-]/.test(ch)) ?? '';
      return `${where} contains ${JSON.stringify(bad)}; only lowercase letters, digits and the separators ".", "_", "__" and "-" are allowed`;
    }
    if (/^[._-]/.test(c)) return `${where} starts with ${JSON.stringify(c[0])}; each path component must start with a lowercase letter or digit`;
    if (/[._-]$/.test(c)) return `${where} ends with ${JSON.stringify(c.at(-1))}; each path component must end with a lowercase letter or digit`;
    if (!COMPONENT.test(c)) {
      return `${where} has separators in a row (only "__" or a run of "-" may repeat) — separators must sit between letters or digits`;
    }
  }
  return null;
}

/**
 * Validate a repository name.
 * @throws RegistryError NAME_INVALID with a message saying what is wrong.
 */
export function assertValidName(name: string): string {
  const why = explainInvalidName(name);
  if (why) {
    throw new RegistryError('NAME_INVALID', `invalid repository name: ${why}`, {
      detail: { name: name.length > MAX_NAME_LENGTH ? `${name.slice(0, 64)}…` : name },
    });
  }
  return name;
}

/** Whether a tag matches the spec's grammar. */
export function isValidTag(tag: string): boolean {
  return TAG_PATTERN.test(tag);
}

/**
 * Validate a tag.
 * @throws RegistryError TAG_INVALID saying what is wrong.
 */
export function assertValidTag(tag: string): string {
  if (isValidTag(tag)) return tag;
  let why = 'tags are 1 to 128 characters of letters, digits, "_", "." and "-", not starting with "." or "-"';
  if (tag.length > 128) why = `the tag is ${tag.length} characters long; at most 128 are allowed`;
  else if (/^[.-]/.test(tag)) why = `a tag must not start with ${JSON.stringify(tag[0])}`;
  throw new RegistryError('TAG_INVALID', `invalid tag ${JSON.stringify(tag.slice(0, 140))}: ${why}`, { detail: { tag: tag.slice(0, 140) } });
}
