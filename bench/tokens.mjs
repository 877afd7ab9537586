#!/usr/bin/env node
/**
 * Token service benchmark: tokens issued per second by the standalone server's token service
 * (`wharf serve`, token auth), 16 requests in flight, for the grants clients use:
 *
 * - anonymous GET (what `docker pull` of a public image asks for first),
 * - refresh_token POST (what docker and podman send after `login`, for every push and pull),
 * - personal access token GET with Basic auth (a CI job's `docker login -p $TOKEN`),
 * - password GET with Basic auth (scrypt: deliberately slow, it is the brute-force brake).
 *
 *   node bench/tokens.mjs [--seconds N]      (or: npm run bench:tokens)
 *
 * Prints figures; it is not a test.
 */
import { parseArgs } from 'node:util';
import { keepAliveAgent, send } from './http.mjs';
import { fmt, nowMs, opsPerSec, percentile } from './stats.mjs';
import { killAllStarted, startWharf } from './targets.mjs';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '5' } } });
const seconds = Number(values.seconds);
const CONCURRENCY = 16;
const ADMIN_PASSWORD = 'bench-admin-password-0123456789';
const basic = (user, password) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** Runs `request` with CONCURRENCY workers for `seconds`; returns ops/s and latencies. */
async function measure(request) {
  const latencies = [];
  const deadline = nowMs() + seconds * 1000;
  const t0 = nowMs();
  const worker = async () => {
    while (nowMs() < deadline) {
      const s = nowMs();
      await request();
      latencies.push(nowMs() - s);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { ops: opsPerSec(latencies.length, nowMs() - t0), p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

const server = await startWharf({ auth: 'token', adminPassword: ADMIN_PASSWORD });
try {
  const base = server.baseUrl;
  const agent = keepAliveAgent(CONCURRENCY);
  const admin = { Authorization: basic('admin', ADMIN_PASSWORD) };
  const json = (body) => ({ body: JSON.stringify(body), headers: { ...admin, 'Content-Type': 'application/json' } });

  // A public project to pull anonymously, and a PAT for the admin, through GitLab's REST API.
  const api = `${base}/api/v4`;
  await send(`${api}/groups`, { method: 'POST', agent, expect: 201, ...json({ name: 'bench', path: 'bench', visibility: 'public' }) });
  await send(`${api}/projects`, { method: 'POST', agent, expect: 201, ...json({ path: 'app', namespace_id: 'bench', visibility: 'public' }) });
  const adminUser = JSON.parse((await send(`${api}/user`, { agent, expect: 200, headers: admin })).body.toString());
  const pat = JSON.parse(
    (
      await send(`${api}/users/${adminUser.id}/personal_access_tokens`, {
        method: 'POST',
        agent,
        expect: 201,
        ...json({ name: 'bench', scopes: ['read_registry', 'write_registry'] }),
      })
    ).body.toString(),
  );
  const patSecret = pat.token;
  const scope = 'repository:bench/app:pull,push';
  const login = JSON.parse(
    (await send(`${base}/auth/token?service=wharf-registry&offline_token=true&client_id=bench`, { agent, expect: 200, headers: { Authorization: basic('admin', patSecret) } })).body.toString(),
  );
  const refreshForm = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: login.refresh_token, service: 'wharf-registry', client_id: 'bench', scope }).toString();

  const rows = [
    ['anonymous GET, pull scope', () => send(`${base}/auth/token?service=wharf-registry&scope=repository:bench/app:pull`, { agent, expect: 200 })],
    [
      'refresh_token POST, pull+push scope',
      () => send(`${base}/auth/token`, { method: 'POST', agent, expect: 200, body: refreshForm, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }),
    ],
    ['PAT Basic GET, pull+push scope', () => send(`${base}/auth/token?service=wharf-registry&scope=${scope}`, { agent, expect: 200, headers: { Authorization: basic('admin', patSecret) } })],
    ['password Basic GET (scrypt), pull+push scope', () => send(`${base}/auth/token?service=wharf-registry&scope=${scope}`, { agent, expect: 200, headers: admin })],
  ];
  console.log(`Token service benchmark: wharf serve --auth token, ${CONCURRENCY} in flight, ${seconds} s per row, Node ${process.version}`);
  console.log(`${'grant'.padEnd(46)}${'tokens/s'.padStart(10)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}`);
  for (const [label, request] of rows) {
    const r = await measure(request);
    console.log(`${label.padEnd(46)}${fmt(r.ops).padStart(10)}${fmt(r.p50).padStart(9)}${fmt(r.p99).padStart(9)}`);
  }
  agent.destroy();
} finally {
  await server.stop();
  killAllStarted();
}
