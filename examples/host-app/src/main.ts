/**
 * Start the example host app on Node: `PORT` (default 3000), `HOST` (default 127.0.0.1) and
 * `HOST_APP_DATA` (default `./host-app-data`, where the images are kept). Stops on SIGINT and
 * SIGTERM after the requests in flight.
 */
import { resolve } from 'node:path';
import { serve } from '@wharf/adapter-node';
import { createHostApp } from './host-app.js';

const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOST ?? '127.0.0.1';
const dataDir = resolve(process.env.HOST_APP_DATA ?? 'host-app-data');

const { app } = await createHostApp({ dataDir, ...(process.env.HOST_APP_SECRET ? { sessionSecret: process.env.HOST_APP_SECRET } : {}) });
const server = await serve(app, { port, hostname, logger: (line) => console.log(line) });
const origin = server.url;
console.log(`example host app on ${origin} (images in ${dataDir})`);
console.log(`  sign in:  ${origin}/login  (alice / wonderland, bob / builder)`);
console.log(`  registry page: ${origin}/registry`);
console.log(`  docker login ${hostname}:${server.port} -u alice -p wonderland; docker push ${hostname}:${server.port}/alice/<image>`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void server.close().then(() => process.exit(0));
  });
}
