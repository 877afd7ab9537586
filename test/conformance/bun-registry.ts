/**
 * Run by Bun for the conformance suite under `WHARF_RUNTIME=bun` (see harness.ts): a registry on
 * `MemoryStorage` served by `@wharf/adapter-bun` on 127.0.0.1, port 0. Prints its URL as the
 * first line of stdout; `WHARF_DELETES=0` disables deletes. Exits after SIGTERM once closed.
 */
import { serve } from '@wharf/adapter-bun';
import { createRegistry, MemoryStorage } from '@wharf/core';

const { app } = createRegistry({ storage: new MemoryStorage(), deletes: process.env.WHARF_DELETES !== '0' });
const server = await serve(app, { port: 0, hostname: '127.0.0.1' });
process.stdout.write(`${server.url}\n`);
process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
