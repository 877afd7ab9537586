/**
 * Group and project pages, their settings and cleanup policies (being built: issue 11).
 * @module
 */
import type { Hono } from 'hono';
import type { UiRoutes } from './context.js';

export function addNamespacePages(_app: Hono, _ui: UiRoutes): void {}
