import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GitHttpsServer } from '../helpers/git-https-server.js';
import { parseLogLines } from '../helpers/log-lines.js';
import { BUNDLE, SupervisorProcess, freePort } from '../helpers/supervisor-process.js';
import { waitFor } from '../helpers/wait-for.js';

const TOKEN = `ghp_git-token-only-the-proxy-holds-${process.pid}`;
const USERNAME = 'x-access-token';

/** Every file under `dir` whose content has `text` (the agent's side: its home, workspace, tmux dir, state). */
function filesContaining(dir: string, text: string): string[] {
  const found: string[] = [];
  const walk = (path: string) => {
    const info = statSync(path, { throwIfNoEntry: false });
    if (!info) return;
    if (info.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
    else if (info.isFile() && readFileSync(path).includes(text)) found.push(path);
  };
  walk(dir);
  return found;
}

/**
 * `agentgate proxy` from the real bundle holding a git token (AGENTGATE_GIT_TOKEN_<HOST>), the test's own HTTPS git
 * server (`git http-backend`, a CA of the test's given to the proxy by NODE_EXTRA_CA_CERTS) that refuses any request
 * without the token, and the real supervisor (command mode) pointed at the proxy's git endpoint: the real git clones,
 * fetches and pushes through it, and the token is nowhere on the agent's side.
 */
describe('agentgate proxy: git tokens the agent never holds', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agentgate-git-token-'));
  const server = new GitHttpsServer(dir, USERNAME, TOKEN);
  let proxy: ChildProcess;
  let output = '';
  let gitPort = 0;
  let healthPort = 0;
  let sup: SupervisorProcess | undefined;
  const events = (msg: string) => parseLogLines(output.split('\n')).filter((entry) => entry.msg === msg);

  beforeAll(async () => {
    await server.start();
    gitPort = await freePort();
    healthPort = await freePort();
    proxy = spawn(process.execPath, [BUNDLE, 'proxy'], {
      env: {
        PATH: process.env.PATH,
        AGENTGATE_PROXY_HOST: '127.0.0.1',
        AGENTGATE_PROXY_PORT: String(await freePort()),
        AGENTGATE_CREDENTIAL_PORT: String(await freePort()),
        AGENTGATE_GIT_PORT: String(gitPort),
        AGENTGATE_HEALTH_PORT: String(healthPort),
        AGENTGATE_EGRESS_ALLOW_FILE: '/nonexistent/agentgate-egress-allow',
        // 127.0.0.1:<port>: `_` for each dot, `___` before the port.
        [`AGENTGATE_GIT_TOKEN_127_0_0_1___${server.port}`]: TOKEN,
        NODE_EXTRA_CA_CERTS: server.caFile,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proxy.stdout?.on('data', (d) => (output += d));
    proxy.stderr?.on('data', (d) => (output += d));
    await waitFor(() => events('git endpoint listening').length > 0, 'git endpoint listening', 10_000, () => output);
  });
  afterEach(async () => sup?.cleanup());
  afterAll(async () => {
    proxy?.kill('SIGKILL');
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('clones, pushes and fetches through the proxy with the token on every request; the agent’s side never has it', async () => {
    const remote = `https://127.0.0.1:${server.port}/repo.git`;
    const script = [
      'set -e',
      `git clone -q ${remote} clone`,
      'cd clone',
      'git -c user.name=agent -c user.email=agent@example.invalid commit -q --allow-empty -m "pushed by the agent"',
      'git push -q origin HEAD:main',
      'git fetch -q origin',
      'git log --format=%s -1 origin/main',
      'env > ../agent-env.txt',
      'cat /proc/[0-9]*/environ /proc/[0-9]*/cmdline > ../all-processes.txt 2>/dev/null || true',
    ].join('\n');
    sup = await SupervisorProcess.start({
      args: ['sh', '-c', script],
      env: {
        AGENTGATE_GIT_CREDENTIAL_URL: `http://127.0.0.1:${gitPort}`,
        AGENTGATE_LOG_LEVEL: 'info',
        // As in compose: the allowlisting proxy in the environment (a dead one here), the endpoint reached straight.
        http_proxy: 'http://127.0.0.1:9',
        https_proxy: 'http://127.0.0.1:9',
        GIT_TERMINAL_PROMPT: '0',
      },
    });
    const exit = await sup.exited;
    expect(exit.code, sup.output).toBe(0);
    expect(sup.raw).toContain('pushed by the agent');
    expect(server.log()).toEqual(['pushed by the agent', 'seed']);
    // The server refused nothing: every request, the push's POST to git-receive-pack among them, had the token.
    expect(server.seen.length).toBeGreaterThan(3);
    expect(server.seen.every((r) => r.authorized)).toBe(true);
    expect(server.seen.some((r) => r.method === 'POST' && r.path === '/repo.git/git-receive-pack')).toBe(true);
    expect(sup.logsOf('git routed through the proxy')[0]).toMatchObject({ hosts: [`127.0.0.1:${server.port}`] });
    // Not in the agent's environment or any process's, not in a file on its side, not in its supervisor's output.
    const agentEnv = readFileSync(join(sup.workspace, 'agent-env.txt'), 'utf8');
    expect(agentEnv).toContain(`GIT_CONFIG_VALUE_0=https://127.0.0.1:${server.port}/`);
    expect(readFileSync(join(sup.workspace, 'all-processes.txt'), 'utf8').length).toBeGreaterThan(0);
    expect(filesContaining(sup.root, TOKEN)).toEqual([]);
    expect(Object.values(sup.env).join('\n')).not.toContain(TOKEN);
    expect(sup.output).not.toContain(TOKEN);
    // The proxy logged each request with the credential it attached, never its value.
    await waitFor(() => events('git request').some((l) => l.method === 'POST' && String(l.path).endsWith('git-receive-pack')), 'the push in the proxy log', 5000, () => output);
    expect(events('git request').every((l) => l.credential === 'git-token' && l.status === 200)).toBe(true);
    expect(output).not.toContain(TOKEN);
    const health = (await (await fetch(`http://127.0.0.1:${healthPort}/readyz`)).json()) as { git: { hosts: string[]; forwarded: number } };
    expect(health.git.hosts).toEqual([`127.0.0.1:${server.port}`]);
    expect(health.git.forwarded).toBe(events('git request').length);
  });

  it('refuses a host it holds no token for (no way around the allowlist), and lists only host names', async () => {
    const other = await fetch(`http://127.0.0.1:${gitPort}/example.com/repo.git/info/refs?service=git-upload-pack`);
    expect(other.status).toBe(404);
    expect(await other.text()).toContain('no git token for "example.com"');
    await waitFor(() => events('git host not held').length > 0, 'the refusal in the log', 5000, () => output);
    const list = await (await fetch(`http://127.0.0.1:${gitPort}/`)).text();
    expect(JSON.parse(list)).toEqual({ hosts: [`127.0.0.1:${server.port}`] });
  });

  it('without the route, the same clone gets no token: the server refuses it', async () => {
    // Spawned, not spawnSync: the server runs in this process and must answer meanwhile.
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn('git', ['clone', '-q', `https://127.0.0.1:${server.port}/repo.git`, join(dir, 'direct')], {
        env: { PATH: process.env.PATH, HOME: dir, GIT_TERMINAL_PROMPT: '0', GIT_SSL_CAINFO: server.caFile },
      });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/401|Authentication failed|could not read Username/);
    expect(server.seen.at(-1)).toMatchObject({ authorized: false });
  });
});
