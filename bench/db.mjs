#!/usr/bin/env node
/**
 * Metadata database benchmark: what issue 13 measured on the JSON store, on the database.
 * Creates personal access tokens one after another through the REST API (authenticated with an
 * `api` PAT, as a new user would script it) and prints the latency per thousand tokens: on the
 * JSON document every write rewrote everything, so it grew with the count; on the database a
 * write writes its row. Then the cost of a request that looks a token up (GET /api/v4/user).
 *
 *   node bench/db.mjs [--tokens N] [--postgres]      (or: npm run bench:db)
 *
 * Default SQLite in the server's data directory; `--postgres` starts a throw-away cluster with
 * .ci/postgres.sh (root) and points WHARF_DATABASE_URL at it; a WHARF_DATABASE_URL already set
 * is used as it is. Prints figures; it is not a test.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fmt, nowMs, percentile } from './stats.mjs';
import { freePort, killAllStarted, REPO_ROOT, startWharf } from './targets.mjs';

const { values } = parseArgs({ options: { tokens: { type: 'string', default: '4000' }, postgres: { type: 'boolean', default: false } } });
const total = Number(values.tokens);
const ADMIN_PASSWORD = 'bench-admin-password-0123456789';
const script = join(REPO_ROOT, '.ci/postgres.sh');
const pgEnv = { ...process.env, PG_DIR: `/tmp/wharf-bench-pg-${process.pid}` };

async function main() {
  if (values.postgres && !process.env.WHARF_DATABASE_URL) {
    pgEnv.PG_PORT = String(await freePort());
    const up = spawnSync('bash', [script, 'start'], { env: pgEnv, encoding: 'utf8' });
    if (up.status !== 0) throw new Error(`.ci/postgres.sh start failed: ${up.stderr}`);
    process.env.WHARF_DATABASE_URL = up.stdout.trim().split('\n').at(-1);
  }
  const backend = process.env.WHARF_DATABASE_URL ? 'PostgreSQL' : 'SQLite';
  const server = await startWharf({ auth: 'token', adminPassword: ADMIN_PASSWORD });
  try {
    const basic = `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`;
    const call = async (method, path, headers, body) => {
      const r = await fetch(`${server.baseUrl}/api/v4${path}`, { method, headers: { ...headers, ...(body ? { 'Content-Type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
      const text = await r.text();
      if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${text}`);
      return JSON.parse(text);
    };
    const me = await call('GET', '/user', { Authorization: basic });
    const api = await call('POST', `/users/${me.id}/personal_access_tokens`, { Authorization: basic }, { name: 'bench', scopes: ['api'] });
    const headers = { 'PRIVATE-TOKEN': api.token };
    console.log(`Wharf on ${backend}: creating ${total} personal access tokens one after another (POST /api/v4/users/:id/personal_access_tokens, PRIVATE-TOKEN)`);
    console.log('tokens        p50 ms   p95 ms');
    let batch = [];
    for (let i = 1; i <= total; i++) {
      const t = nowMs();
      await call('POST', `/users/${me.id}/personal_access_tokens`, headers, { name: `t${i}`, scopes: ['read_registry'] });
      batch.push(nowMs() - t);
      if (i % 1000 === 0 || i === total) {
        console.log(`${String(i).padStart(6)}   ${fmt(percentile(batch, 50)).padStart(8)} ${fmt(percentile(batch, 95)).padStart(8)}`);
        batch = [];
      }
    }
    const lookups = [];
    for (let i = 0; i < 500; i++) {
      const t = nowMs();
      await call('GET', '/user', headers);
      lookups.push(nowMs() - t);
    }
    console.log(`GET /api/v4/user with a PAT (a token lookup), 500 in a row: p50 ${fmt(percentile(lookups, 50))} ms, p95 ${fmt(percentile(lookups, 95))} ms`);
  } finally {
    await server.stop();
    killAllStarted();
    if (pgEnv.PG_PORT) {
      spawnSync('bash', [script, 'stop'], { env: pgEnv });
      spawnSync('rm', ['-rf', pgEnv.PG_DIR]);
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
