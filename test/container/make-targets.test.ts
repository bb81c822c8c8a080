import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentgateCli, installCli } from '../helpers/agentgate-cli.js';
import { requireEngine } from '../helpers/containers.js';
import { TEST_IMAGE, docker, inspect } from '../helpers/docker.js';
import { waitFor } from '../helpers/wait-for.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const engine = requireEngine();
const tag = `m${process.pid}`;
// The engine here has no default bridge; the agents need no network for these tests.
const ARGS = "ARGS=--network none --agent 'sleep 1000000' --memory 512m --cpus 1";

let cli: AgentgateCli;
let path: string;
const names: string[] = [];

/** make as a user runs it, with the installed command on PATH; `-o build`: built already, and never npm ci here. */
function make(args: string[]) {
  const r = spawnSync('make', ['-s', '-C', ROOT, '-o', 'build', `IMAGE=${TEST_IMAGE}`, ...args], {
    encoding: 'utf8',
    env: { ...process.env, PATH: path, AGENTGATE_HOME: cli.home, MAKEFLAGS: '' },
    timeout: 240_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs `command` in a real terminal (util-linux `script`) until the agent's tmux session has a client; then detaches (Ctrl-b d). */
async function attachesInATerminal(command: string, container: string): Promise<void> {
  const client = spawn('script', ['-qfec', command, '/dev/null'], { env: { ...process.env, PATH: path, AGENTGATE_HOME: cli.home, TERM: 'xterm', MAKEFLAGS: '' }, cwd: ROOT, stdio: 'pipe' });
  let screen = '';
  client.stdout.on('data', (d) => (screen += d));
  const exited = new Promise<number | null>((resolve) => client.on('close', resolve));
  const clients = () => docker(['exec', container, 'tmux', 'list-clients', '-F', '#{client_session}']).stdout.trim();
  try {
    await waitFor(() => clients() === 'agent', `${command} to attach`, 30_000, () => screen.slice(-500));
    client.stdin.write('\x02d');
    expect(await exited).toBe(0);
    await waitFor(() => clients() === '', 'the client to detach');
  } finally {
    client.kill('SIGKILL');
  }
}

/**
 * `make shell` (`agentgate exec NAME --tty -- bash`) in a real terminal: bash in /workspace on a terminal of its
 * own, and its exit code back through make (make says `Error 3` for a recipe that exits 3).
 */
async function shellInATerminal(command: string): Promise<void> {
  const client = spawn('script', ['-qfec', command, '/dev/null'], { env: { ...process.env, PATH: path, AGENTGATE_HOME: cli.home, TERM: 'xterm', MAKEFLAGS: '' }, cwd: ROOT, stdio: 'pipe' });
  let screen = '';
  client.stdout.on('data', (d) => (screen += d));
  const exited = new Promise<number | null>((resolve) => client.on('close', resolve));
  try {
    // The shell's prompt, then a line that proves where it runs; the sum is printed only by the shell.
    await waitFor(() => /\$ ?$/m.test(screen), 'the shell prompt', 30_000, () => screen.slice(-500));
    client.stdin.write('echo "in $(pwd) on $(tty | cut -c1-9) as $(id -u): $((6 * 7))"; exit 3\r');
    await exited;
    expect(screen).toMatch(/in \/workspace on \/dev\/pts\/ as \d+: 42/);
    expect(screen).toContain('Error 3');
  } finally {
    client.kill('SIGKILL');
  }
}

describe.skipIf(!engine)('make up, attach and down name the agent they mean (issue 18, first-week failures 2 and 3)', () => {
  beforeAll(() => {
    cli = new AgentgateCli(installCli());
    path = `${dirname(cli.bin)}:${process.env.PATH}`;
  }, 180_000);
  afterAll(() => cli?.cleanup(names));

  it('make up NAME=x prints an attach command that attaches to x, and make attach NAME=x does too', async () => {
    const name = `named-${tag}`;
    names.push(name);
    const up = make(['up', `NAME=${name}`, ARGS]);
    expect(up.code, up.stderr).toBe(0);
    const printed = /attach: +(agentgate attach \S+)/.exec(up.stdout)?.[1];
    expect(printed).toBe(`agentgate attach ${name}`);
    await attachesInATerminal(printed as string, `agentgate-${name}`);
    await attachesInATerminal(`make -s -C ${ROOT} -o build attach NAME=${name}`, `agentgate-${name}`);
    expect(make(['status', `NAME=${name}`]).code).toBe(0);
    await shellInATerminal(`make -s -C ${ROOT} -o build shell NAME=${name}`);
  });

  it('make down PROJECT= never removes the agent of another directory of the same name, and finds its own by its directory', () => {
    const base = mkdtempSync(join(tmpdir(), 'agentgate-make-'));
    const mine = join(base, 'a', `Proj.${tag}`);
    const other = join(base, 'b', `Proj.${tag}`);
    for (const d of [mine, other]) mkdirSync(d, { recursive: true });
    spawnSync('chown', ['-R', '1000:1000', base]);
    // The agent made by the host command itself, named by it (`proj.<tag>`), not by make.
    const name = `proj.${tag}`;
    names.push(name);
    expect(cli.run(['up', mine, '--image', TEST_IMAGE, '--network', 'none', '--agent', 'sleep 1000000', '--memory', '512m']).code).toBe(0);
    const id = inspect(`agentgate-${name}`, '{{.Id}}');

    const wrong = make(['down', `PROJECT=${other}`]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain(`no agent works on ${other}`);
    expect(inspect(`agentgate-${name}`, '{{.Id}}')).toBe(id);

    // make up on the same directory finds that agent: no second one beside it under a name make made up.
    const again = make(['up', `PROJECT=${mine}`, ARGS]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(`${name} is already up`);
    expect(make(['status', `PROJECT=${mine}`]).code).toBe(0);
    const down = make(['down', `PROJECT=${mine}`]);
    expect(down.code, down.stderr).toBe(0);
    expect(docker(['inspect', `agentgate-${name}`]).status).not.toBe(0);
  });
});
