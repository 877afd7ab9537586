/**
 * Deleting tags and repositories from the page (being built: issue 11).
 * @module
 */
import type { Hono } from 'hono';
import type { UiRoutes } from './context.js';

export function addTagActions(_app: Hono, _ui: UiRoutes): void {}
