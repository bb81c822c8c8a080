import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingResolver } from '../helpers/dns-watch.js';
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

/**
 * An allowed name whose lookup fails, and requests the proxy cannot read. The proxy runs in a mount namespace of
 * its own whose /etc/resolv.conf names a resolver of this test's own on loopback (SERVFAIL to every query): no
 * lookup leaves this machine. Binding port 53 and mounting need root.
 */
describe.skipIf(process.getuid?.() !== 0)('agentgate proxy: failures that are not denials', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agentgate-proxy-dns-'));
  const resolverAddress = `127.53.${process.pid % 250}.${1 + Math.floor(Math.random() * 250)}`;
  const resolver = new RecordingResolver({ answer: true, rcode: 2 });
  const id = `${process.pid}-${Date.now()}`;
  let proxy: ChildProcess;
  let output = '';
  let proxyPort = 0;
  let healthPort = 0;
  const events = (msg: string) => parseLogLines(output.split('\n')).filter((entry) => entry.msg === msg);
  const curl = (url: string, tunnel = false): Promise<{ stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      const child = spawn('curl', ['-sS', '-m', '10', '-o', '-', '-w', '\n%{http_code}', ...(tunnel ? ['-p'] : []), '-x', `http://127.0.0.1:${proxyPort}`, url], { env: { PATH: process.env.PATH } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', () => resolve({ stdout, stderr }));
    });
  /** One request written as raw bytes (curl would fix these forms up before sending); the status line and body. */
  const raw = (request: string): Promise<string> =>
    new Promise((resolve) => {
      const socket = connect(proxyPort, '127.0.0.1', () => socket.write(Buffer.from(request, 'utf8')));
      let answer = '';
      socket.on('data', (d) => (answer += d));
      socket.on('close', () => resolve(answer));
      socket.on('error', () => resolve(answer));
    });

  beforeAll(async () => {
    await resolver.start(resolverAddress);
    const resolvConf = join(dir, 'resolv.conf');
    writeFileSync(resolvConf, `nameserver ${resolverAddress}\noptions attempts:1 timeout:2\n`);
    proxyPort = await freePort();
    healthPort = await freePort();
    // A private mount namespace: the bind mount is this proxy's alone and goes with it.
    const script = 'mount --bind "$1" /etc/resolv.conf && shift && exec "$@"';
    proxy = spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', resolvConf, process.execPath, BUNDLE, 'proxy'], {
      env: {
        PATH: process.env.PATH,
        AGENTGATE_PROXY_HOST: '127.0.0.1',
        AGENTGATE_PROXY_PORT: String(proxyPort),
        AGENTGATE_HEALTH_PORT: String(healthPort),
        AGENTGATE_EGRESS_ALLOW: '*.example:80',
        AGENTGATE_EGRESS_ALLOW_FILE: join(dir, 'none'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proxy.stdout?.on('data', (d) => (output += d));
    proxy.stderr?.on('data', (d) => (output += d));
    await waitFor(() => events('proxy listening').length > 0, 'proxy listening', 10_000, () => output);
  });
  afterAll(() => {
    proxy?.kill('SIGKILL');
    resolver.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers an allowed name that does not resolve with 502 and `egress upstream failed`, not a denial', async () => {
    const host = `allowed-${id}.example`;
    const plain = await curl(`http://${host}/`);
    expect(plain.stdout).toBe(`agentgate egress proxy: ${host}:80 is allowed, but it failed upstream: does not resolve (EAI_AGAIN)\n\n502`);
    const tunnel = await curl(`http://${host}/`, true);
    expect(tunnel.stderr).toMatch(/CONNECT tunnel failed, response 502/);
    expect(resolver.names).toContain(host); // the lookup was the test resolver's to answer
    await waitFor(() => events('egress upstream failed').length >= 2, 'both failures in the log', 5000, () => output);
    expect(events('egress upstream failed')).toEqual([
      expect.objectContaining({ level: 'warn', host, port: 80, method: 'GET', reason: 'does not resolve (EAI_AGAIN)' }),
      expect.objectContaining({ level: 'warn', host, port: 80, method: 'CONNECT', reason: 'does not resolve (EAI_AGAIN)' }),
    ]);
    expect(events('egress denied')).toEqual([]);
    const health = (await (await fetch(`http://127.0.0.1:${healthPort}/readyz`)).json()) as Record<string, number>;
    expect(health).toMatchObject({ allowed: 0, denied: 0, upstreamFailed: 2 });
  });

  it('answers 400 to requests it cannot read as a proxy request, looking nothing up', async () => {
    const forms: Record<string, string> = {
      'ideographic dots': `GET http://form-a-${id}\u3002example/ HTTP/1.1\r\nHost: x\r\n\r\n`,
      'a fragment in the authority': `GET http://form-b-${id}.example#x HTTP/1.1\r\nHost: x\r\n\r\n`,
      backslashes: `GET http:\\\\form-c-${id}.example\\ HTTP/1.1\r\nHost: x\r\n\r\n`,
      'origin-form': `GET / HTTP/1.1\r\nHost: form-d-${id}.example\r\n\r\n`,
    };
    for (const [form, request] of Object.entries(forms)) {
      expect((await raw(request)).split('\r\n')[0], form).toBe('HTTP/1.1 400 Bad Request');
    }
    expect(resolver.names.filter((n) => n.includes('form-'))).toEqual([]);
    expect(output).not.toContain('form-');
  });
});
