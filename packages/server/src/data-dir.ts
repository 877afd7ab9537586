/**
 * Where the standalone server keeps its own state under the data directory (`--data`,
 * `WHARF_DATA`, `./data`), beside the registry's `wharf/v1/…`:
 * - `access/`: the access store (users, groups, projects, members, tokens, jobs);
 * - `auth/keys.json`: the token-signing keys (mode 0600).
 * @module
 */
import { join } from 'node:path';

/** The access store's directory. */
export const accessDir = (dataDir: string): string => join(dataDir, 'access');
/** The token-signing keys' file. */
export const keyFilePath = (dataDir: string): string => join(dataDir, 'auth', 'keys.json');
