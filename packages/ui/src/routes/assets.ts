/**
 * `/-/assets/wharf-ui.js` — the page's one script, from this package (the CSP allows only
 * scripts of the page's own origin). Cached for an hour: it changes only with a new release.
 * @module
 */
import type { Hono } from 'hono';
import { UI_SCRIPT } from '../assets/script.js';
import { SCRIPT_PATH } from '../views/layout.js';

export function addAssets(app: Hono): void {
  app.get(SCRIPT_PATH, (c) => {
    c.header('Content-Type', 'text/javascript; charset=utf-8');
    c.header('Cache-Control', 'public, max-age=3600');
    return c.body(UI_SCRIPT);
  });
}
