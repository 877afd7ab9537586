import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// Tests import the packages' sources, so a unit run needs no build; end-to-end tests start the
// built standalone server (`npm test` builds first).
const alias = {
  '@wharf/core/testing': src('./packages/core/src/testing/index.ts'),
  '@wharf/core/storage': src('./packages/core/src/storage/index.ts'),
  '@wharf/core': src('./packages/core/src/index.ts'),
  '@wharf/db/testing': src('./packages/db/src/testing.ts'),
  '@wharf/db': src('./packages/db/src/index.ts'),
  '@wharf/storage-fs': src('./packages/storage-fs/src/index.ts'),
  '@wharf/storage-s3/url': src('./packages/storage-s3/src/s3-url.ts'),
  '@wharf/storage-s3': src('./packages/storage-s3/src/index.ts'),
  '@wharf/access/testing': src('./packages/access/src/testing.ts'),
  '@wharf/access': src('./packages/access/src/index.ts'),
  '@wharf/adapter-node': src('./packages/adapter-node/src/index.ts'),
  '@wharf/adapter-bun': src('./packages/adapter-bun/src/index.ts'),
  '@wharf/ui': src('./packages/ui/src/index.ts'),
  '@wharf/api': src('./packages/api/src/index.ts'),
  '@wharf/server': src('./packages/server/src/index.ts'),
};

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: { name: 'unit', include: ['packages/*/src/**/*.test.ts'], exclude: ['**/node_modules/**', '**/*.s3.test.ts'], testTimeout: 20_000 },
      },
      {
        resolve: { alias },
        test: {
          name: 's3',
          // the S3 driver against a real server (Ceph RGW; .ci/s3.sh), and the standalone server on it
          include: ['packages/*/src/**/*.s3.test.ts', 'test/s3/**/*.test.ts'],
          // and a throw-away PostgreSQL for the servers that share one (cluster-postgres.test.ts)
          globalSetup: ['test/s3/global-setup.ts', 'test/postgres/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'postgres',
          // the database tests again, and the access model's and the API's suites, on a real
          // PostgreSQL (a throw-away cluster; test/postgres); the unit project runs them on SQLite
          include: ['packages/*/src/**/*.db.test.ts', 'test/**/*.db.test.ts', 'packages/access/src/**/*.test.ts', 'packages/api/src/**/*.test.ts'],
          // tests of the JSON file store itself (which the database replaced)
          exclude: ['**/node_modules/**', 'packages/access/src/store/{persistent-document,private-files,multi-process,file-lock,document-file}.test.ts'],
          env: { WHARF_TEST_DB: 'postgres' },
          globalSetup: ['test/postgres/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve: { alias },
        test: { name: 'conformance', include: ['test/conformance/**/*.test.ts'], testTimeout: 30_000 },
      },
      {
        resolve: { alias },
        test: { name: 'security', include: ['test/security/**/*.test.ts'], testTimeout: 30_000 },
      },
      {
        resolve: { alias },
        // the package and folder plan, read from the sources
        test: { name: 'architecture', include: ['test/architecture/**/*.test.ts'] },
      },
      {
        resolve: { alias },
        // GC and rename under load: real servers, real sockets, a minute or so.
        test: { name: 'lifecycle', include: ['test/lifecycle/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 60_000 },
      },
      {
        resolve: { alias },
        test: { name: 'durability', include: ['test/durability/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 60_000 },
      },
      {
        resolve: { alias },
        test: {
          name: 'browser',
          // the registry page in Debian's chromium (playwright-core) against the built standalone
          // server and the example host app, started as processes; one file at a time (2 cores)
          include: ['test/browser/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          // installs and starts the real clients when CI has not already (see .ci/e2e-clients.sh)
          globalSetup: ['test/e2e/global-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          // real clients share one docker daemon and podman store: one file at a time
          fileParallelism: false,
        },
      },
    ],
  },
});
