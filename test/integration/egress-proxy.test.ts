import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLogLines } from '../helpers/log-lines.js';
import { BUNDLE, freePort } from '../helpers/supervisor-process.js';
import { waitFor } from '../helpers/wait-for.js';

/** `agentgate proxy` from the real bundle, with targets on this machine's loopback only. */
describe('agentgate proxy: the egress allowlist', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agentgate-proxy-'));
  const allowFile = join(dir, 'egress-allow');
  const targets: Server[] = [];
  let proxy: ChildProcess;
  let output = '';
  let proxyPort = 0;
  let healthPort = 0;
  let allowedPort = 0;
  let laterPort = 0;

  const target = async (): Promise<number> => {
    const server = createServer((_req, res) => res.end('reached the target\n'));
    targets.push(server);
    const port = await freePort();
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
    return port;
  };
  // Asynchronous: the targets live in this process, and a blocking spawn would keep them from answering.
  const curl = (url: string, tunnel = false): Promise<{ stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      const child = spawn('curl', ['-sS', '-m', '5', '-o', '-', '-w', '\n%{http_code}', ...(tunnel ? ['-p'] : []), '-x', `http://127.0.0.1:${proxyPort}`, url], { env: { PATH: process.env.PATH } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', () => resolve({ stdout, stderr }));
    });
  const events = (msg: string) => parseLogLines(output.split('\n')).filter((entry) => entry.msg === msg);

  beforeAll(async () => {
    allowedPort = await target();
    laterPort = await target();
    proxyPort = await freePort();
    healthPort = await freePort();
    writeFileSync(allowFile, '# the file part of the list\n');
    proxy = spawn(process.execPath, [BUNDLE, 'proxy'], {
      env: {
        PATH: process.env.PATH,
        AGENTGATE_PROXY_HOST: '127.0.0.1',
        AGENTGATE_PROXY_PORT: String(proxyPort),
        AGENTGATE_HEALTH_PORT: String(healthPort),
        AGENTGATE_EGRESS_ALLOW: `127.0.0.1:${allowedPort}, localhost:${allowedPort}`,
        AGENTGATE_EGRESS_ALLOW_FILE: allowFile,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proxy.stdout?.on('data', (d) => (output += d));
    proxy.stderr?.on('data', (d) => (output += d));
    await waitFor(() => events('proxy listening').length > 0, 'proxy listening', 10_000, () => output);
  });
  afterAll(() => {
    proxy?.kill('SIGKILL');
    for (const t of targets) t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets an allowed destination through, plain HTTP and CONNECT', async () => {
    for (const tunnel of [false, true]) {
      const r = await curl(`http://127.0.0.1:${allowedPort}/`, tunnel);
      expect(r.stdout).toBe('reached the target\n\n200');
    }
  });

  it('refuses an unlisted host with 403 and one JSON log line, without looking it up', async () => {
    const r = await curl('http://not-on-the-list.invalid/path');
    expect(r.stdout).toMatch(/not-on-the-list\.invalid:80 is denied: not on the allowlist\n\n403$/);
    await waitFor(() => events('egress denied').some((e) => e.host === 'not-on-the-list.invalid'), 'the denial in the log');
    expect(events('egress denied')).toEqual(expect.arrayContaining([expect.objectContaining({ host: 'not-on-the-list.invalid', port: 80, method: 'GET', reason: 'not on the allowlist' })]));
    const tunnel = await curl(`http://127.0.0.1:${laterPort}/`, true);
    expect(tunnel.stderr).toMatch(/CONNECT tunnel failed, response 403/);
  });

  it('refuses a listed name that resolves to loopback; only the address itself allows it', async () => {
    const r = await curl(`http://localhost:${allowedPort}/`);
    expect(r.stdout).toMatch(/resolves to a loopback address \((127\.0\.0\.1|::1)\); list the address itself to allow it\n\n403$/);
  });

  it('reloads the list when its file changes and on SIGHUP, without a restart', async () => {
    expect((await curl(`http://127.0.0.1:${laterPort}/`)).stdout).toMatch(/403$/);
    writeFileSync(allowFile, `127.0.0.1:${laterPort}\n`);
    await waitFor(async () => (await curl(`http://127.0.0.1:${laterPort}/`)).stdout.endsWith('200'), 'allowed after the file changed', 10_000, () => output);
    // Removed from the file without a change event reaching the watcher (a new inode): SIGHUP re-reads it.
    rmSync(allowFile);
    writeFileSync(allowFile, '# emptied\n');
    proxy.kill('SIGHUP');
    await waitFor(async () => (await curl(`http://127.0.0.1:${laterPort}/`)).stdout.endsWith('403'), 'denied again after SIGHUP', 10_000, () => output);
    expect(events('allowlist reloaded').length).toBeGreaterThanOrEqual(2);
    expect(proxy.exitCode).toBeNull();
  });

  it('counts allowed and denied requests in its health', async () => {
    const res = await fetch(`http://127.0.0.1:${healthPort}/readyz`);
    const body = (await res.json()) as Record<string, number | string>;
    expect(body).toMatchObject({ status: 'ok', mode: 'proxy' });
    expect(Number(body.allowed)).toBeGreaterThanOrEqual(2);
    expect(Number(body.denied)).toBeGreaterThanOrEqual(3);
  });
});
