/**
 * Where to send someone after signing in: only a path on this same site. A `redirect` that
 * names another origin (`https://evil.example`, `//evil.example`, `/\evil.example`, a
 * `javascript:` URL) would turn the sign-in page into an open redirect that phishing mails
 * point at, so anything but a plain same-origin path becomes `/`.
 * @module
 */

/** The longest redirect target kept; longer ones are not worth the trouble. */
const MAX_LENGTH = 2048;

/**
 * The same-origin path (with query and fragment) of `target`, or `fallback`.
 * @example
 * safeRedirect('/repositories/team/app?sort=name') // '/repositories/team/app?sort=name'
 * safeRedirect('//evil.example/x')                  // '/'
 */
export function safeRedirect(target: unknown, fallback = '/'): string {
  if (typeof target !== 'string' || target.length === 0 || target.length > MAX_LENGTH) return fallback;
  // A path, not a scheme-relative or backslashed URL (browsers read `/\host` as `//host`), and no control characters.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (!target.startsWith('/') || target.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(target)) return fallback;
  const base = 'http://wharf.invalid';
  let url: URL;
  try {
    url = new URL(target, base);
  } catch {
    return fallback;
  }
  if (url.origin !== base) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}
