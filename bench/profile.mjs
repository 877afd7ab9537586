/**
 * Summarises a V8 .cpuprofile (as written by `node --cpu-prof`): top functions by self time
 * and by inclusive (total) time. Also usable alone: `node bench/profile.mjs <file.cpuprofile>`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './targets.mjs';

function shortUrl(url) {
  if (!url) return '';
  let u = url.replace(/^file:\/\//, '');
  u = u.replace(`${REPO_ROOT}/`, '');
  u = u.replace(/^.*\/node_modules\//, 'node_modules/');
  return u;
}

function keyOf(frame) {
  const name = frame.functionName || '(anonymous)';
  const where = frame.url ? ` ${shortUrl(frame.url)}:${frame.lineNumber + 1}` : '';
  return `${name}${where}`;
}

/** Returns `{ totalMs, self: [{ fn, ms, pct }], inclusive: [{ fn, ms, pct }] }` of one profile. */
export function summariseProfile(profile, top = 15) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  const inclusive = new Map();
  let totalUs = 0;
  let idleUs = 0;
  const stackKeys = new Map(); // node id → unique function keys on its stack (cached)
  const keysFor = (id) => {
    let keys = stackKeys.get(id);
    if (keys) return keys;
    const set = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) set.add(keyOf(byId.get(cur).callFrame));
    keys = [...set];
    stackKeys.set(id, keys);
    return keys;
  };
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    const dt = profile.timeDeltas[i] ?? 0;
    const node = byId.get(id);
    totalUs += dt;
    if (node.callFrame.functionName === '(idle)') {
      idleUs += dt;
      continue;
    }
    const k = keyOf(node.callFrame);
    self.set(k, (self.get(k) ?? 0) + dt);
    for (const key of keysFor(id)) inclusive.set(key, (inclusive.get(key) ?? 0) + dt);
  }
  const busyUs = totalUs - idleUs;
  const rank = (m) =>
    [...m.entries()]
      .filter(([k]) => !k.startsWith('(root)'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([fn, us]) => ({ fn, ms: us / 1000, pctOfBusy: (100 * us) / busyUs }));
  return { totalMs: totalUs / 1000, idleMs: idleUs / 1000, busyMs: busyUs / 1000, self: rank(self), inclusive: rank(inclusive) };
}

/** Summarises every .cpuprofile in `dir`. */
export function summariseProfileDir(dir, top) {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => ({ file: join(dir, f), ...summariseProfile(JSON.parse(readFileSync(join(dir, f), 'utf8')), top) }));
}

export function formatProfileSummary(s) {
  const lines = [
    `CPU profile ${s.file}`,
    `  wall ${s.totalMs.toFixed(0)} ms, busy ${s.busyMs.toFixed(0)} ms, idle ${s.idleMs.toFixed(0)} ms`,
    '  top self time (% of busy):',
    ...s.self.map((r) => `    ${r.pctOfBusy.toFixed(1).padStart(5)}%  ${r.ms.toFixed(0).padStart(7)} ms  ${r.fn}`),
    '  top inclusive time (% of busy):',
    ...s.inclusive.map((r) => `    ${r.pctOfBusy.toFixed(1).padStart(5)}%  ${r.ms.toFixed(0).padStart(7)} ms  ${r.fn}`),
  ];
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node bench/profile.mjs <file.cpuprofile> [top]');
    process.exit(2);
  }
  const summary = summariseProfile(JSON.parse(readFileSync(file, 'utf8')), Number(top) || 25);
  console.log(formatProfileSummary({ file, ...summary }));
}
