import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { type RunningBoard, launchChromium, startBoard } from '../helpers/board.js';
import { ROOT, TestContainers, readyz, requireEngine } from '../helpers/containers.js';
import { composeEnv, docker, dockerAsync } from '../helpers/docker.js';
import { freePort } from '../helpers/supervisor-process.js';
import { waitFor } from '../helpers/wait-for.js';
import type { PendingEgressAsk } from '../../supervisor/contract/proxy-report.js';

const reachable = requireEngine();
const made = new TestContainers();
const project = `agentgate-t${process.pid}-egress-ask`;
const TOKEN = `egress-ask-host-token-${process.pid}-0123456789`;
const dir = mkdtempSync(join(tmpdir(), 'agentgate-egress-ask-'));
const override = join(dir, 'public-outer.yaml');
const CLI = join(ROOT, 'dist', 'agentgate.cjs');
let server: Server | undefined;
let board: RunningBoard | undefined;
let browser: Browser | undefined;

/**
 * The proxy only asks about public destinations: the outer network gets TEST-NET-2 (198.51.100.0/24), which it
 * classes as public, so that the host, its gateway, is a public-looking target no packet leaves the engine for.
 */
const env = () =>
  composeEnv(project, {
    AGENTGATE_PROJECT_DIR: made.workspace(),
    AGENTGATE_AGENT: 'sleep infinity',
    AGENTGATE_EGRESS_ASK: 'on',
    AGENTGATE_EGRESS_ASK_WAIT_MS: '120000',
    AGENTGATE_ANSWER_TOKEN_SHA256: createHash('sha256').update(TOKEN).digest('hex'),
  }, ['compose/egress.yaml', override]);
const host = (args: string[]) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, AGENTGATE_ANSWER_TOKEN: TOKEN } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

afterAll(async () => {
  await browser?.close();
  await board?.stop();
  server?.close();
  if (reachable) await dockerAsync(['compose', 'down', '-v', '-t', '1', '--remove-orphans'], { cwd: ROOT, env: env(), timeoutMs: 120_000 });
  made.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!reachable)('compose/egress.yaml with AGENTGATE_EGRESS_ASK=on: the host answers the agent\'s egress asks', () => {
  it("`agentgate approve NAME` and the board allow a held request, which completes; the agent's health shows it until then", async () => {
    writeFileSync(override, ['networks:', '  agentgate-outer:', '    ipam:', '      config:', '        - subnet: 198.51.100.0/24', ''].join('\n'));
    const port = await freePort();
    server = createServer((req, res) => res.end(`reached ${req.url}\n`));
    await new Promise<void>((r) => server?.listen(port, '0.0.0.0', () => r()));
    const up = await dockerAsync(['compose', 'up', '-d', '--wait', 'agent'], { cwd: ROOT, env: env(), timeoutMs: 300_000 });
    expect(up.status, up.stderr).toBe(0);
    const agent = docker(['compose', 'ps', '-q', 'agent'], 30_000, env()).stdout.trim();
    const egress = docker(['compose', 'ps', '-q', 'egress'], 30_000, env()).stdout.trim();
    const target = `http://198.51.100.1:${port}`;
    const request = (path: string) => dockerAsync(['exec', agent, 'curl', '-sS', '-m', '100', '-o', '-', '-w', '\n%{http_code}', `${target}${path}`], { timeoutMs: 120_000 });
    const pending = (): PendingEgressAsk[] => readyz(agent).pendingEgressAsks ?? [];

    const held = request('/held');
    const ask = await waitFor(() => pending().find((a) => a.path === '/held'), "the ask in the agent's /readyz", 30_000, () => docker(['logs', '--tail', '20', egress]).stdout);
    expect(ask).toMatchObject({ host: '198.51.100.1', port, method: 'GET' });
    expect(docker(['exec', agent, 'agentgate', 'status']).stdout).toContain(`egress ask ${ask.id}: GET 198.51.100.1:${port}/held`);
    const approved = host(['approve', project]);
    expect(approved, approved.stderr).toMatchObject({ code: 0, stdout: `allowed (once) ${ask.id} (198.51.100.1:${port})\n` });
    expect((await held).stdout).toBe('reached /held\n\n200');
    await waitFor(() => pending().length === 0, 'the ask cleared in the agent\'s /readyz', 15_000);
    expect(docker(['logs', egress]).stdout).toContain(`"by":"host cli"`);

    // Two at once: without an ID the host lists them and answers none; with one, it answers that one.
    const first = request('/first');
    const second = request('/second');
    await waitFor(() => pending().length === 2, 'two asks', 30_000);
    const listed = host(['approve', project]);
    expect(listed.code).toBe(1);
    expect(listed.stderr).toMatch(/2 wait for an answer, name one/);
    const [a, b] = pending() as [PendingEgressAsk, PendingEgressAsk];
    expect(listed.stderr).toContain(`${a.id}  egress ask: GET 198.51.100.1:${port}${a.path}`);
    expect(host(['deny', project, a.id]).code).toBe(0);
    expect(host(['approve', project, b.id, '--once']).code).toBe(0);
    const results = [await first, await second].map((r) => r.stdout);
    expect(results.filter((r) => r.endsWith('\n403')).length).toBe(1);
    expect(results.filter((r) => r.endsWith('\n200')).length).toBe(1);

    // The board shows the ask beside the agent's decisions; a click on "Allow once" lets the request complete.
    // compose's exited state-init container (the image's role label, the project's name) is not listed as an
    // agent: it used to be, and its stopped card hid the running agent's.
    expect(docker(['compose', 'ps', '-a', '-q', 'state-init'], 30_000, env()).stdout.trim()).not.toBe('');
    const rows = JSON.parse(host(['ls', '--json']).stdout) as Array<{ name: string; state: string }>;
    expect(rows.filter((r) => r.name === project).map((r) => r.state)).not.toContain('stopped');
    expect(rows.filter((r) => r.name === project)).toHaveLength(1);
    const bin = join(dir, 'agentgate');
    writeFileSync(bin, `#!/bin/sh\nexec ${process.execPath} ${CLI} "$@"\n`);
    chmodSync(bin, 0o755);
    board = await startBoard(bin, { AGENTGATE_ANSWER_TOKEN: TOKEN });
    browser = await launchChromium();
    const page = await browser.newPage();
    await page.goto(board.url);
    const card = page.locator(`section.agent[data-name="${project}"]`);
    const viaBoard = request('/by-board');
    const fleet = async () => JSON.stringify(await (await fetch(`${board?.base}/api/fleet`, { headers: { authorization: `Bearer ${board?.token}` } })).json());
    await waitFor(async () => (await card.locator('li.egress-ask code').allTextContents()).includes(`GET 198.51.100.1:${port}/by-board`), 'the ask on the board', 30_000, () => `${board?.stderr()}`).catch(async (error) => {
      throw new Error(`${(error as Error).message}\n${await fleet()}\n${await page.content()}`);
    });
    await card.locator('li.egress-ask button.allow-once').click();
    await expect.poll(() => card.locator('p.result').textContent(), { timeout: 30_000 }).toMatch(new RegExp(`^allowed \\(once\\) [0-9a-f]+ \\(198\\.51\\.100\\.1:${port}\\)$`));
    expect((await viaBoard).stdout).toBe('reached /by-board\n\n200');
    await expect.poll(() => card.locator('li.egress-ask').count(), { timeout: 15_000 }).toBe(0);
    expect(docker(['logs', egress]).stdout).toContain('"by":"board"');
  });
});
