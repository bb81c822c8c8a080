import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, TestContainers, requireEngine } from '../helpers/containers.js';
import { composeEnv, docker, dockerAsync } from '../helpers/docker.js';
import { GitHttpsServer } from '../helpers/git-https-server.js';

const reachable = requireEngine();
const made = new TestContainers();
const project = `agentgate-t${process.pid}-egress-git`;
const TOKEN = `glpat-git-token-${process.pid}-only-the-proxy-holds-it`;
const dir = mkdtempSync(join(tmpdir(), 'agentgate-egress-git-'));
const override = join(dir, 'git-token.yaml');
const env = (files: string[]) => (reachable ? composeEnv(project, {}, files) : {});
let server: GitHttpsServer | undefined;

/** `docker compose ...` with `input` on its stdin (the token, for a search that must not hold it in argv). */
function composeWithInput(args: string[], environment: NodeJS.ProcessEnv, input: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('docker', ['compose', ...args], { cwd: ROOT, env: environment });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(input);
  });
}

afterAll(async () => {
  await server?.stop();
  if (reachable) await dockerAsync(['compose', 'down', '-v', '-t', '1', '--remove-orphans'], { cwd: ROOT, env: env(['compose/egress.yaml', override]), timeoutMs: 120_000 });
  made.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!reachable)('compose/egress.yaml: a git token lives in the proxy, never in the agent', () => {
  it('clones and pushes to the test’s own HTTPS git server with the token on every request; the agent’s container never has it', async () => {
    // The proxy and its networks first, to learn the host's address on the egress side.
    const first = await dockerAsync(['compose', 'up', '-d', '--wait', 'egress'], { cwd: ROOT, env: env(['compose/egress.yaml']), timeoutMs: 300_000 });
    expect(first.status, first.stderr).toBe(0);
    const gateway = docker(['network', 'inspect', `${project}_agentgate-outer`, '-f', '{{(index .IPAM.Config 0).Gateway}}']).stdout.trim();
    expect(gateway).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    server = new GitHttpsServer(join(dir, 'server'), 'x-access-token', TOKEN, { host: '0.0.0.0', addresses: [gateway, '127.0.0.1'] });
    await server.start();
    // The proxy gets the token (the host in the variable's name) and the test's CA, as a user would in an override.
    const caDir = join(dir, 'ca');
    rmSync(caDir, { recursive: true, force: true });
    // Readable by the proxy's uid 1000: the CA's certificate only (its key stays in the server's directory).
    mkdirSync(caDir, { mode: 0o755 });
    copyFileSync(server.caFile, join(caDir, 'ca.pem'));
    chmodSync(join(caDir, 'ca.pem'), 0o644);
    chmodSync(dir, 0o755);
    const variable = `AGENTGATE_GIT_TOKEN_${gateway.replace(/\./g, '_')}___${server.port}`;
    writeFileSync(override, ['services:', '  egress:', '    environment:', `      - ${variable}=${TOKEN}`, '      - NODE_EXTRA_CA_CERTS=/run/agentgate-test-ca/ca.pem',
      '    volumes:', `      - ${caDir}:/run/agentgate-test-ca:ro`, ''].join('\n'));
    const withToken = { ...env(['compose/egress.yaml', override]), AGENTGATE_PROJECT_DIR: made.workspace(), AGENTGATE_GIT_CREDENTIAL_URL: 'http://egress:3130', AGENTGATE_LOG_LEVEL: 'info' };
    const again = await dockerAsync(['compose', 'up', '-d', '--wait', 'egress'], { cwd: ROOT, env: withToken, timeoutMs: 300_000 });
    expect(again.status, again.stderr).toBe(0);
    const egress = docker(['compose', 'ps', '-q', 'egress'], 30_000, withToken).stdout.trim();
    expect(docker(['logs', egress]).stdout).toContain('"msg":"git endpoint listening"');

    const remote = `https://${gateway}:${server.port}/repo.git`;
    const script = [
      'set -e',
      'cd /workspace',
      `git clone -q ${remote} clone`,
      'cd clone',
      'git -c user.name=agent -c user.email=agent@example.invalid commit -q --allow-empty -m "pushed from the agent container"',
      'git push -q origin HEAD:main',
      'git fetch -q origin',
      'git log --format=%s -1 origin/main',
      'cd /',
      // The token, read from stdin into the shell's memory (never a file, an argument or the environment here),
      // searched in every file; the same search finds the commit message, so it does reach the files.
      'IFS= read -r T',
      'echo "token of ${#T} characters read"',
      'if printf "%s\\n" "$T" | grep -rlsF --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev -f - /; then echo TOKEN-FOUND-IN-FILES; fi',
      'printf "%s\\n" "pushed from the agent container" | grep -rlsF -f - /workspace/clone/.git | grep -q COMMIT_EDITMSG && echo search-reaches-files',
      'for f in /proc/[0-9]*/environ /proc/[0-9]*/cmdline; do tr "\\0" "\\n" < "$f"; done > /workspace/processes.txt 2>/dev/null || true',
      'env > /workspace/agent-env.txt',
    ].join('\n');
    // Command mode: the supervisor's start (git's route included), then this script with the agent's environment.
    const run = await composeWithInput(['run', '--rm', '-T', 'agent', 'sh', '-c', script], withToken, `${TOKEN}\n`);
    expect(run.status, `${run.stdout}\n${run.stderr}\n${docker(['logs', '--tail', '20', egress]).stdout}`).toBe(0);
    expect(run.stdout).toContain('pushed from the agent container');
    expect(run.stdout).toContain(`token of ${TOKEN.length} characters read`);
    expect(run.stdout).toContain('search-reaches-files');
    expect(run.stdout).not.toContain('TOKEN-FOUND-IN-FILES');
    expect(server.log()).toEqual(['pushed from the agent container', 'seed']);
    expect(server.seen.every((r) => r.authorized)).toBe(true);
    expect(server.seen.some((r) => r.method === 'POST' && r.path === '/repo.git/git-receive-pack')).toBe(true);
    const workspace = withToken.AGENTGATE_PROJECT_DIR;
    expect(readFileSync(join(workspace, 'agent-env.txt'), 'utf8')).toContain('GIT_CONFIG_KEY_0=url.http://egress:3130/');
    expect(readFileSync(join(workspace, 'processes.txt'), 'utf8')).not.toContain(TOKEN);
    expect(readFileSync(join(workspace, 'agent-env.txt'), 'utf8')).not.toContain(TOKEN);
    // The proxy logged each request with the kind of credential, never the value; the agent's log line names the hosts.
    const proxyLogs = docker(['logs', egress]);
    expect(proxyLogs.stdout).toContain('"credential":"git-token"');
    expect(proxyLogs.stdout + proxyLogs.stderr).not.toContain(TOKEN);
    expect(run.stdout + run.stderr).toContain('git routed through the proxy');
    expect(run.stdout + run.stderr).not.toContain(TOKEN);
  });
});
