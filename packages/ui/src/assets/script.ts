/**
 * The page's script, as text served at `/-/assets/wharf-ui.js`: progressive enhancement only
 * (every page reads and every form posts without it).
 * @module
 */
export const UI_SCRIPT = `"use strict";
`;
