/**
 * The README's shell snippets, run as a new user would type them, so that the README cannot
 * drift from the code: every ```sh block preceded by the marker comment below is run with bash
 * from the repository root, in order. A block that runs `npm start` is the server: it is started
 * in the background (its own process group, stopped at the end) and waited for; the others must
 * exit 0. The data directory is a temporary one (`WHARF_DATA`), and docker uses the test engine.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { prerequisites, run } from './clients.js';

const MARKER = '<!-- test/e2e/readme.test.ts runs every sh block marked like this one: keep them working -->';
const root = fileURLToPath(new URL('../../', import.meta.url));
const REGISTRY = 'http://127.0.0.1:5000';
const pre = prerequisites('readme.test.ts', ['docker']);

/** The marked ```sh blocks of `markdown`, in order. */
function markedBlocks(markdown: string): string[] {
  const blocks: string[] = [];
  const pattern = new RegExp(`${MARKER.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n\`\`\`sh\\n([\\s\\S]*?)\\n\`\`\``, 'g');
  for (const m of markdown.matchAll(pattern)) if (m[1] !== undefined) blocks.push(m[1]);
  return blocks;
}

/** Run one snippet with bash; resolves with its exit code and output. */
function bash(script: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}

async function answering(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(1_000) });
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(pre.skip)("the README's snippets", () => {
  let server: ChildProcess | undefined;
  let serverOutput = '';
  let data: string | undefined;

  afterAll(async () => {
    if (server?.pid !== undefined && server.exitCode === null) {
      const exited = new Promise((resolve) => server?.once('exit', resolve));
      process.kill(-server.pid, 'SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (server.exitCode === null) process.kill(-server.pid, 'SIGKILL');
    }
    await run('docker', ['image', 'rm', '--force', '127.0.0.1:5000/team/app/hello:1'], { allowFailure: true });
    await run('docker', ['logout', '127.0.0.1:5000'], { allowFailure: true });
    if (data) await rm(data, { recursive: true, force: true });
  });

  it('should mark every shell block of "Try it" to be run here', async () => {
    const readme = await readFile(join(root, 'README.md'), 'utf8');
    const tryIt = readme.slice(readme.indexOf('Try it.'), readme.indexOf('\n## ', readme.indexOf('Try it.')));
    const shBlocks = tryIt.match(/```sh\n/g) ?? [];
    expect(shBlocks.length).toBeGreaterThanOrEqual(2);
    expect(tryIt.split(MARKER).length - 1).toBe(shBlocks.length);
  });

  it('should run every marked snippet as written: start the server, make a project, log in, build, push, manage users', async () => {
    pre.assert();
    expect(await answering(`${REGISTRY}/v2/`), `something already listens on ${REGISTRY}; the README's snippets need that port`).toBe(false);
    data = await mkdtemp(join(tmpdir(), 'wharf-readme-'));
    // the test engine has no buildx: the classic builder, as the other docker tests use
    const env = { ...process.env, WHARF_DATA: data, DOCKER_BUILDKIT: '0' };
    const blocks = markedBlocks(await readFile(join(root, 'README.md'), 'utf8'));
    expect(blocks.length).toBeGreaterThanOrEqual(3);
    for (const block of blocks) {
      if (/\bnpm start\b/.test(block)) {
        server = spawn('bash', ['-c', block], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
        server.stdout?.on('data', (d: Buffer) => (serverOutput += d.toString()));
        server.stderr?.on('data', (d: Buffer) => (serverOutput += d.toString()));
        const deadline = Date.now() + 60_000;
        while (!(await answering(`${REGISTRY}/v2/`))) {
          if (Date.now() > deadline || server.exitCode !== null) throw new Error(`the server of\n${block}\ndid not come up:\n${serverOutput}`);
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        continue;
      }
      const result = await bash(block, env);
      expect(result.code, `${block}\n---\n${result.output}\n--- server:\n${serverOutput}`).toBe(0);
    }
    // The pushed image is there: the admin (password from the snippet) reads its tag.
    const res = await fetch(`${REGISTRY}/api/v4/projects/${encodeURIComponent('team/app')}/registry/repositories?tags=true`, {
      headers: { Authorization: `Basic ${Buffer.from('admin:change-me-please').toString('base64')}` },
    });
    expect(res.status).toBe(200);
    const repositories = (await res.json()) as Array<{ path: string; tags: Array<{ name: string }> }>;
    expect(repositories.find((r) => r.path === 'team/app/hello')?.tags.map((t) => t.name)).toContain('1');
  });
});
