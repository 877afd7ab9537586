#!/usr/bin/env node
/**
 * Wharf benchmark: the same workloads against Wharf (`wharf serve`) and CNCF Distribution
 * (Debian's docker-registry 2.8), each started fresh for the run, with a comparison table.
 * Prints figures; it is not a test and does not fail because a machine is slow.
 *
 *   node bench/run.mjs [--quick] [--only wharf|distribution] [--json <file>]
 *                      [--workloads id,id,...] [--cpu-prof] [--no-sync]
 *
 * See docs/benchmarks.md.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generatePayload } from './payload.mjs';
import { formatProfileSummary, summariseProfileDir } from './profile.mjs';
import { currentRss, startRssWindow } from './rss.mjs';
import { fmt, fmtMB, MiB } from './stats.mjs';
import { distributionVersion, killAllStarted, REPO_ROOT, TARGETS } from './targets.mjs';
import { payloadSpecs, PROFILES, WORKLOADS } from './workloads.mjs';

const USAGE = `Usage: node bench/run.mjs [options]      (or: npm run bench -- [options])

Runs the same workloads against Wharf and CNCF Distribution and prints a comparison.

Options:
  --quick                 small sizes, a smoke run of well under a minute
  --only <target>         wharf or distribution (default: both)
  --json <file>           also write the raw results as JSON
  --workloads <ids>       comma-separated subset of: ${WORKLOADS.map((w) => w.id).join(', ')}
  --cpu-prof              run Wharf under node --cpu-prof and print its hottest functions
  --no-sync               do not run sync(1) between workloads and targets
  -h, --help              show this help

Env WHARF_RUNTIME=bun runs Wharf under Bun (@wharf/adapter-bun) instead of Node.
`;

const TARGET_ORDER = ['distribution', 'wharf'];

function parseCli(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      json: { type: 'string' },
      workloads: { type: 'string' },
      'cpu-prof': { type: 'boolean', default: false },
      'no-sync': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return { help: true };
  if (values.only && !TARGET_ORDER.includes(values.only)) throw new Error(`--only: expected wharf or distribution, got "${values.only}"`);
  let workloads = WORKLOADS;
  if (values.workloads) {
    const ids = values.workloads.split(',').map((s) => s.trim()).filter(Boolean);
    for (const id of ids) if (!WORKLOADS.some((w) => w.id === id)) throw new Error(`--workloads: unknown workload "${id}"`);
    workloads = WORKLOADS.filter((w) => ids.includes(w.id));
  }
  return {
    quick: values.quick,
    targets: values.only ? [values.only] : TARGET_ORDER,
    json: values.json,
    workloads,
    cpuProf: values['cpu-prof'],
    sync: !values['no-sync'],
  };
}

const log = (msg) => process.stderr.write(`[bench] ${msg}\n`);

function tailFile(file, lines) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n').trim() || undefined;
  } catch {
    return undefined;
  }
}

function syncDisks(enabled) {
  if (enabled) spawnSync('sync', { stdio: 'ignore' });
}

function gitDescribe() {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'packages'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    return dirty ? `${commit} + uncommitted changes in packages/` : commit;
  } catch {
    return 'unknown';
  }
}

async function machineInfo() {
  const c = cpus();
  return {
    cpu: `${c[0]?.model ?? 'unknown'} × ${c.length}`,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    distribution: await distributionVersion(),
    wharfCommit: gitDescribe(),
    date: new Date().toISOString(),
    loadAvgAtStart: loadavg().map((x) => Number(x.toFixed(2))),
  };
}

async function runTarget(name, workloads, payloads, profile, opts) {
  log(`starting ${name}`);
  const target = await TARGETS[name]({ cpuProf: opts.cpuProf });
  const result = { target: name, pid: target.pid, idleRssBytes: currentRss(target.pid), workloads: {} };
  try {
    for (const w of workloads) {
      log(`${name}: ${w.id}`);
      let figures;
      let error;
      try {
        if (w.prepare) await w.prepare(target, payloads, profile);
      } catch (e) {
        error = `preparing: ${e instanceof Error ? e.message : String(e)}`;
      }
      syncDisks(opts.sync);
      const window = startRssWindow(target.pid);
      try {
        if (error) throw new Error(error);
        figures = await w.run(target, payloads, profile);
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
        log(`${name}: ${w.id} FAILED: ${error}`);
      }
      const serverLog = error ? tailFile(target.logFile, 40) : undefined;
      if (serverLog) log(`${name} stderr (last lines):\n${serverLog}`);
      const rss = window.stop();
      result.workloads[w.id] = { ...(figures ?? {}), error, serverLog, peakRssBytes: rss.peakBytes, rss };
      if (target.child.exitCode !== null || target.child.signalCode !== null) {
        log(`${name}: server exited (${target.child.exitCode ?? target.child.signalCode}); skipping the rest`);
        break;
      }
    }
  } finally {
    await target.stop();
    syncDisks(opts.sync);
  }
  if (target.cpuProfDir) {
    result.cpuProfiles = summariseProfileDir(target.cpuProfDir, 20);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Report

const ratio = (w, d) => (Number.isFinite(w) && Number.isFinite(d) && d !== 0 ? w / d : NaN);

/** Rows of the comparison table: [label, unit, getter, target description, target check]. */
function tableRows(p) {
  const big = `${p.bigSize / MiB} MiB`;
  const get = (id, ...path) => (r) => path.reduce((o, k) => (o == null ? undefined : o[k]), r.workloads[id]);
  const atLeast = (x) => ({ text: `≥ ${x}×`, ok: (r) => r >= x });
  const rssBelow = (mb) => ({ text: `Wharf < ${mb} MB`, okAbs: (wharf) => wharf < mb * 1e6 });
  return [
    { label: `push ${big} monolithic`, unit: 'MB/s', get: get('push_mono', 'mbps'), target: atLeast(1.1) },
    { label: `push ${big} in ${p.chunkSize / MiB} MiB chunks`, unit: 'MB/s', get: get('push_chunked', 'mbps'), target: atLeast(1.1) },
    { label: `pull ${big} (median of ${p.pullRepeats})`, unit: 'MB/s', get: get('pull', 'mbps'), target: atLeast(0.95) },
    { label: '  one pull, sha256 on the fly', unit: 'MB/s', get: get('pull', 'verifiedMbps') },
    { label: `manifest PUT ×${p.manifestCount}, ${p.manifestConcurrency} in flight`, unit: 'ops/s', get: get('manifests', 'put', 'opsPerSec'), target: atLeast(2) },
    { label: '  p50', unit: 'ms', get: get('manifests', 'put', 'p50Ms'), lower: true },
    { label: '  p99', unit: 'ms', get: get('manifests', 'put', 'p99Ms'), lower: true },
    { label: `manifest GET ×${p.manifestCount} by tag`, unit: 'ops/s', get: get('manifests', 'get', 'opsPerSec'), target: atLeast(2) },
    { label: '  p50', unit: 'ms', get: get('manifests', 'get', 'p50Ms'), lower: true },
    { label: '  p99', unit: 'ms', get: get('manifests', 'get', 'p99Ms'), lower: true },
    { label: `manifest GET ×${p.manifestLongGets} by tag`, unit: 'ops/s', get: get('manifests', 'getLong', 'opsPerSec'), target: atLeast(2) },
    { label: '  p50', unit: 'ms', get: get('manifests', 'getLong', 'p50Ms'), lower: true },
    { label: '  p99', unit: 'ms', get: get('manifests', 'getLong', 'p99Ms'), lower: true },
    {
      label: `small pushes ${p.smallClients}×${p.smallPerClient}×${p.smallSize / MiB} MiB`,
      unit: 'MB/s',
      get: get('small_parallel', 'mbps'),
      target: atLeast(1.5),
    },
    { label: '  p50 per blob', unit: 'ms', get: get('small_parallel', 'p50Ms'), lower: true },
    { label: '  p99 per blob', unit: 'ms', get: get('small_parallel', 'p99Ms'), lower: true },
    { label: `push ${p.memBigSize / MiB} MiB monolithic`, unit: 'MB/s', get: get('mem_big', 'mbps') },
    { label: '  server peak RSS', unit: 'MB', get: get('mem_big', 'peakRssBytes'), rss: true, lower: true, target: rssBelow(200) },
    { label: `push ${p.memClients}×${p.memClientSize / MiB} MiB concurrently`, unit: 'MB/s', get: get('mem_parallel', 'mbps') },
    { label: '  server peak RSS', unit: 'MB', get: get('mem_parallel', 'peakRssBytes'), rss: true, lower: true, target: rssBelow(200) },
  ];
}

function renderTable(headers, rows, align) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) =>
    cells.map((c, i) => (align[i] === 'r' ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function report(results, p, targets) {
  const byName = Object.fromEntries(results.map((r) => [r.target, r]));
  const d = byName.distribution;
  const w = byName.wharf;
  const value = (row, r) => (r ? row.get(r) : undefined);
  const show = (row, v) => (row.rss ? fmtMB(v) : fmt(v));
  const out = [];

  const rows = tableRows(p)
    .filter((row) => value(row, d) !== undefined || value(row, w) !== undefined)
    .map((row) => {
    const dv = value(row, d);
    const wv = value(row, w);
    const rt = ratio(wv, dv);
    let verdict = '';
    if (row.target?.ok && Number.isFinite(rt)) verdict = row.target.ok(rt) ? 'met' : 'MISSED';
    if (row.target?.okAbs && Number.isFinite(wv)) verdict = row.target.okAbs(wv) ? 'met' : 'MISSED';
    return [row.label, row.unit, show(row, dv), show(row, wv), fmt(rt, 2) + (Number.isFinite(rt) && row.lower ? ' (lower=better)' : ''), row.target?.text ?? '', verdict];
  });
  out.push(renderTable(['workload', 'unit', 'Distribution', 'Wharf', 'Wharf/Distribution', 'target', 'status'], rows, ['l', 'l', 'r', 'r', 'r', 'l', 'l']));

  out.push('', 'Server peak RSS per workload (MB, 10^6 bytes; VmHWM after a reset, or VmRSS sampled every 50 ms):');
  const ids = Object.keys((w ?? d).workloads);
  const rssRows = [
    ['(idle, after start)', fmtMB(d?.idleRssBytes), fmtMB(w?.idleRssBytes)],
    ...ids.map((id) => [id, fmtMB(d?.workloads[id]?.peakRssBytes), fmtMB(w?.workloads[id]?.peakRssBytes)]),
  ];
  out.push(renderTable(['workload', 'Distribution', 'Wharf'], rssRows, ['l', 'r', 'r']));

  const pulls = targets.map((t) => byName[t]?.workloads.pull?.runsMbps).filter(Boolean);
  if (pulls.length) out.push('', `Pull runs (MB/s): ${targets.map((t) => `${t} ${(byName[t]?.workloads.pull?.runsMbps ?? []).map((x) => fmt(x)).join(', ')}`).join('; ')}`);

  const errors = results.flatMap((r) => Object.entries(r.workloads).filter(([, x]) => x.error).map(([id, x]) => `${r.target} ${id}: ${x.error}`));
  if (errors.length) out.push('', 'Errors:', ...errors.map((e) => `  ${e}`));

  out.push(
    '',
    'Notes: MB = 10^6 bytes. Ratios are Wharf/Distribution (higher is better for MB/s and ops/s).',
    "Distribution's filesystem driver does not fsync (2.8 default config); Wharf's storage does, so",
    'Distribution is measured with that advantage. Targets are from the performance issue; the',
    'status column is informational and never fails the run.',
  );
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------

async function main() {
  let opts;
  try {
    opts = parseCli(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`bench: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  if (opts.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const profileName = opts.quick ? 'quick' : 'full';
  const p = PROFILES[profileName];
  const machine = await machineInfo();

  const payloadDir = mkdtempSync(join(tmpdir(), 'wharf-bench-payload-'));
  const cleanup = () => rmSync(payloadDir, { recursive: true, force: true });
  const onSignal = (sig) => {
    log(`${sig}: stopping servers`);
    killAllStarted();
    cleanup();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const results = [];
  try {
    log(`generating payloads in ${payloadDir} (${profileName} profile)`);
    const payloads = {};
    for (const [name, spec] of Object.entries(payloadSpecs(p))) {
      payloads[name] = await generatePayload(join(payloadDir, `${name}.bin`), spec.size, spec.seed, spec.sliceSizes);
    }
    for (const name of opts.targets) {
      try {
        results.push(await runTarget(name, opts.workloads, payloads, p, opts));
      } catch (e) {
        log(`${name}: could not run: ${e.message}`);
        results.push({ target: name, error: e.message, workloads: {} });
      }
    }
  } finally {
    cleanup();
  }

  const ran = results.filter((r) => !r.error);
  console.log(`Wharf benchmark (${profileName} profile) — ${machine.date}`);
  console.log(`machine: ${machine.cpu}, ${machine.memoryGiB} GiB, Linux ${machine.kernel}, Node ${machine.node}`);
  machine.loadAvgAtEnd = loadavg().map((x) => Number(x.toFixed(2)));
  console.log(`distribution: ${machine.distribution}; wharf: ${machine.wharfCommit}`);
  console.log(`load average (1/5/15 min): ${machine.loadAvgAtStart.join(' ')} at start, ${machine.loadAvgAtEnd.join(' ')} at end — other work on the machine skews figures`);
  console.log('');
  if (ran.length) console.log(report(results, p, opts.targets));
  for (const r of results.filter((x) => x.error)) console.log(`\n${r.target}: not run: ${r.error}`);
  for (const r of results) for (const prof of r.cpuProfiles ?? []) console.log(`\n${formatProfileSummary(prof)}`);

  if (opts.json) {
    writeFileSync(opts.json, `${JSON.stringify({ profile: profileName, sizes: p, machine, results }, null, 2)}\n`);
    log(`raw results written to ${opts.json}`);
  }
  const failed = results.some((r) => r.error || Object.values(r.workloads).some((x) => x.error));
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    killAllStarted();
    process.stderr.write(`bench: ${e?.stack ?? e}\n`);
    process.exit(1);
  },
);
