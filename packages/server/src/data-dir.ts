/**
 * Where the standalone server keeps its own state under the data directory (`--data`,
 * `WHARF_DATA`, `./data`), beside the registry's `wharf/v1/…`:
 * - `wharf.db`: the metadata database when it is SQLite (metadata-db.ts);
 * - `access/`: the page's sessions, and the JSON access store from before the database;
 * - `auth/keys.json`: the token-signing keys from before the database (taken over by it).
 * @module
 */
import { join } from 'node:path';

/** The JSON access store's directory (before the database), and the sessions'. */
export const accessDir = (dataDir: string): string => join(dataDir, 'access');
/** The token-signing keys' file from before the database. */
export const keyFilePath = (dataDir: string): string => join(dataDir, 'auth', 'keys.json');
