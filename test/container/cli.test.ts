import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentgateCli, installCli } from '../helpers/agentgate-cli.js';
import { requireEngine } from '../helpers/containers.js';
import { TEST_IMAGE, docker, inspect } from '../helpers/docker.js';
import { waitFor } from '../helpers/wait-for.js';

const engine = requireEngine();
const tag = `c${process.pid}`;
// The engine here has no default bridge; the agents need no network for these tests.
const common = ['--image', TEST_IMAGE, '--network', 'none', '--agent', 'sleep 1000000', '--memory', '512m', '--cpus', '1'];

let cli: AgentgateCli;
const names: string[] = [];
const agentName = (label: string) => {
  const n = `${label}-${tag}`;
  names.push(n, ...[1, 2, 3].map((i) => `${n}-${i}`));
  return n;
};

function projectDir(label: string, uid = 1000): string {
  const dir = mkdtempSync(join(tmpdir(), `agentgate-cli-${label}-`));
  writeFileSync(join(dir, 'README.md'), `# ${label}\n`);
  chownSync(dir, uid, uid);
  chownSync(join(dir, 'README.md'), uid, uid);
  return dir;
}

function git(args: string[], cwd: string): string {
  return execFileSync('git', ['-c', 'safe.directory=*', ...args], { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.invalid' } });
}

describe.skipIf(!engine)('agentgate on the host', () => {
  beforeAll(() => {
    cli = new AgentgateCli(installCli());
  }, 180_000);
  afterAll(() => cli?.cleanup(names));

  it('is installed by npm install -g . and answers --version', () => {
    const r = cli.run(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('runs an agent as the owner of a directory that uid 1000 does not own, and reuses it', () => {
    const dir = projectDir('owner', 4242);
    const name = agentName('owner');
    const up = cli.run(['up', dir, '--name', name, ...common]);
    expect(up.stderr + up.stdout).toContain(`ready: ${name}`);
    expect(up.code).toBe(0);
    expect(inspect(`agentgate-${name}`, '{{.Config.User}}')).toBe('4242:4242');
    const exec = cli.run(['exec', name, '--', 'sh', '-c', 'echo hi > made-by-agent.txt && id -u']);
    expect(exec.code).toBe(0);
    expect(exec.stdout.trim()).toBe('4242');
    expect(statSync(join(dir, 'made-by-agent.txt')).uid).toBe(4242);
    const id = inspect(`agentgate-${name}`, '{{.Id}}');
    const again = cli.run(['up', dir, '--name', name, ...common]);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('already up');
    expect(inspect(`agentgate-${name}`, '{{.Id}}')).toBe(id);
  });

  it('passes exec exit codes through with stdout and stderr apart', () => {
    const dir = projectDir('exec');
    const name = agentName('exec');
    expect(cli.run(['up', dir, '--name', name, ...common]).code).toBe(0);
    const r = cli.run(['exec', name, '--', 'sh', '-c', 'echo out; echo err >&2; exit 7']);
    expect(r).toMatchObject({ code: 7, stdout: 'out\n', stderr: 'err\n' });
    expect(cli.run(['exec', name, '--', 'cat'], { input: 'from stdin' }).stdout).toBe('from stdin');
    // The engine's own code for a command it cannot start (126 on runc, 127 on some others).
    expect([126, 127]).toContain(cli.run(['exec', name, '--', 'no-such-command']).code);
  });

  it('clones a git URL into its own directory and runs the agent on the clone', () => {
    const src = projectDir('src');
    git(['init', '-q', '-b', 'main'], src);
    git(['add', '.'], src);
    git(['commit', '-qm', 'first'], src);
    const bare = join(mkdtempSync(join(tmpdir(), 'agentgate-bare-')), `repo${tag}.git`);
    git(['clone', '-q', '--bare', src, bare], src);
    const name = agentName(`repo${tag}`.toLowerCase());
    const r = cli.run(['up', `file://${bare}`, '--name', name, ...common]);
    expect(r.stderr).toContain('cloning');
    expect(r.code).toBe(0);
    expect(readFileSync(join(cli.home, 'repos', `repo${tag}`, 'README.md'), 'utf8')).toContain('# src');
    expect(cli.run(['exec', name, '--', 'cat', 'README.md']).stdout).toContain('# src');
  });

  it('makes N worktrees, each on its own branch with its own agent', () => {
    const dir = projectDir('wt');
    git(['init', '-q', '-b', 'main'], dir);
    git(['add', '.'], dir);
    git(['commit', '-qm', 'first'], dir);
    const name = agentName('wt');
    const r = cli.run(['up', dir, '--name', name, '--worktrees', '3', ...common]);
    expect(r.code).toBe(0);
    const branches = git(['branch', '--format=%(refname:short)'], dir).split('\n').filter(Boolean);
    expect(branches).toEqual(expect.arrayContaining([`agentgate/${name}-1`, `agentgate/${name}-2`, `agentgate/${name}-3`]));
    for (const i of [1, 2, 3]) {
      expect(inspect(`agentgate-${name}-${i}`, '{{index .Config.Labels "agentgate.workspace"}}')).toBe(join(cli.home, 'worktrees', `${name}-${i}`));
    }
  });

  it('tries again after a failed start once the fix is made on disk', () => {
    const dir = projectDir('retry');
    const name = agentName('retry');
    const args = ['up', dir, '--name', name, ...common, '--env', 'AGENTGATE_PROMPT_FILE=/workspace/prompt.md'];
    const failed = cli.run(args);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('prompt file /workspace/prompt.md');
    expect(failed.stderr).toContain('run agentgate up again');
    writeFileSync(join(dir, 'prompt.md'), 'hello');
    chownSync(join(dir, 'prompt.md'), 1000, 1000);
    const fixed = cli.run(args);
    expect(fixed.stderr).toContain('replacing its failed container');
    expect(fixed.code).toBe(0);
  });

  it('lists agents most urgent first: a failed start before a working one before a stopped one', async () => {
    const failedName = agentName('lsfail');
    const idleName = agentName('lsidle');
    const stoppedName = agentName('lsstop');
    expect(cli.run(['up', projectDir('lsidle'), '--name', idleName, ...common]).code).toBe(0);
    expect(cli.run(['up', projectDir('lsstop'), '--name', stoppedName, ...common]).code).toBe(0);
    expect(cli.run(['stop', stoppedName]).code).toBe(0);
    expect(cli.run(['up', projectDir('lsfail'), '--name', failedName, ...common, '--env', 'AGENTGATE_PROMPT_FILE=/nope']).code).toBe(1);
    const rows: Array<{ name: string; state: string; why: string | null; memoryBytes: number | null }> = JSON.parse(cli.run(['ls', '--json']).stdout);
    // Read in the container with its health report: a supervisor, tmux and the agent hold some MiB.
    expect(rows.find((r) => r.name === idleName)?.memoryBytes).toBeGreaterThan(2 ** 20);
    const order = rows.map((r) => r.name).filter((n) => [failedName, idleName, stoppedName].includes(n));
    expect(order).toEqual([failedName, idleName, stoppedName]);
    expect(rows.find((r) => r.name === failedName)).toMatchObject({ state: 'failed-start', why: expect.stringContaining('prompt file /nope') });
    expect(rows.find((r) => r.name === stoppedName)?.state).toBe('stopped');
    const text = cli.run(['ls']).stdout;
    expect(text.split('\n')[0]).toMatch(/^NAME\s+STATE/);
    expect(text).toContain(`agentgate attach ${idleName}`);
  });

  it('lists a plain docker run container under its own name, not the compose project that built the image', () => {
    const container = `agentgate-plain-${tag}`;
    names.push(container.replace(/^agentgate-/, ''));
    docker(['run', '-d', '--name', container, '--network', 'none', '--label', 'com.docker.compose.project=someone-else', '-e', 'AGENTGATE_AGENT=sleep 100000', TEST_IMAGE]);
    const rows: Array<{ name: string; kind: string; attach: string }> = JSON.parse(cli.run(['ls', '--json']).stdout);
    // The label was set on this container, so it counts; one inherited from the image would not.
    expect(rows.find((r) => r.name === 'someone-else')?.kind).toBe('compose');
    docker(['rm', '-f', container]);
    // An image built by compose carries its project's label; a plain container of that image is not that project.
    const image = `agentgate/agent:labelled-${tag}`;
    const built = spawnSync('docker', ['build', '-q', '-t', image, '-'], { input: `FROM ${TEST_IMAGE}\nLABEL com.docker.compose.project=builder\n`, encoding: 'utf8' });
    expect(built.status).toBe(0);
    docker(['run', '-d', '--name', container, '--network', 'none', '-e', 'AGENTGATE_AGENT=sleep 100000', image]);
    const listed: Array<{ name: string; kind: string; attach: string }> = JSON.parse(cli.run(['ls', '--json']).stdout);
    expect(listed.find((r) => r.name === 'builder')).toBeUndefined();
    expect(listed.find((r) => r.name === container)).toMatchObject({ kind: 'container', attach: `docker exec -it ${container} agentgate attach` });
    docker(['rm', '-f', container]);
    docker(['image', 'rm', image]);
  });

  it('stops and starts, shows logs, removes with and without the state volume, prunes', async () => {
    const name = agentName('life');
    expect(cli.run(['up', projectDir('life'), '--name', name, ...common]).code).toBe(0);
    expect(cli.run(['logs', name]).stdout).toContain('agent started');
    const json = cli.run(['logs', name, '--json']).stdout.split('\n').filter(Boolean);
    expect(json.some((l) => JSON.parse(l).msg === 'agent started')).toBe(true);
    expect(cli.run(['stop', name]).code).toBe(0);
    expect(inspect(`agentgate-${name}`, '{{.State.Running}}')).toBe('false');
    expect(cli.run(['start', name]).code).toBe(0);
    expect(inspect(`agentgate-${name}`, '{{.State.Running}}')).toBe('true');
    expect(cli.run(['rm', name]).code).toBe(0);
    expect(docker(['volume', 'inspect', `agentgate-${name}-state`]).status).toBe(0);
    expect(cli.run(['up', projectDir('life2'), '--name', name, ...common]).code).toBe(0);
    expect(cli.run(['rm', name, '--volumes']).code).toBe(0);
    expect(docker(['volume', 'inspect', `agentgate-${name}-state`]).status).not.toBe(0);
    const pruneName = agentName('prune');
    expect(cli.run(['up', projectDir('prune'), '--name', pruneName, ...common]).code).toBe(0);
    expect(cli.run(['stop', pruneName]).code).toBe(0);
    const pruned = cli.run(['prune']);
    expect(pruned.stderr).toContain(`removed ${pruneName}`);
    expect(docker(['inspect', `agentgate-${pruneName}`]).status).not.toBe(0);
  });

  it('leaves no half-made agent behind on Ctrl-C during up', async () => {
    const name = agentName('intr');
    // An agent that fails at once never becomes healthy: up waits until interrupted.
    const run = cli.start(['up', projectDir('intr'), '--name', name, '--image', TEST_IMAGE, '--network', 'none', '--agent', 'false']);
    await waitFor(() => run.out.stderr.includes('waiting until healthy'), 'up to wait', 60_000, () => run.out.stderr);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(run.out.stderr).toContain('was removed');
    expect(docker(['inspect', `agentgate-${name}`]).status).not.toBe(0);
  });

  it('refuses bad input with one clear line and a non-zero code', () => {
    const dir = projectDir('bad');
    const taken = agentName('taken');
    expect(cli.run(['up', dir, '--name', taken, ...common]).code).toBe(0);
    const other = projectDir('other');
    const clash = cli.run(['up', other, '--name', taken, ...common]);
    expect(clash.code).toBe(1);
    expect(clash.stderr).toContain(`works on ${dir}, not on ${other}`);
    const missing = cli.run(['up', '/no/such/dir', ...common]);
    expect(missing).toMatchObject({ code: 1 });
    expect(missing.stderr).toContain('/no/such/dir does not exist');
    const typo = cli.run(['up', dir, '--env', 'AGENTGATE_RESTRAT=never', ...common]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('did you mean AGENTGATE_RESTART?');
    const clone = cli.run(['up', 'file:///no/such/repo.git', ...common]);
    expect(clone.code).toBe(1);
    expect(clone.stderr).toContain('git clone file:///no/such/repo.git failed');
    const noEngine = cli.run(['ls'], { env: { DOCKER_HOST: 'unix:///no/such/docker.sock' } });
    expect(noEngine.code).toBe(69);
    expect(noEngine.stderr).toContain('no Docker engine answers at unix:///no/such/docker.sock');
    const unknown = cli.run(['attach', 'no-such-agent']);
    expect(unknown.code).not.toBe(0);
    expect(cli.run(['bogus']).code).toBe(2);
    const attach = cli.run(['attach', taken]);
    expect(attach.code).toBe(2);
    expect(attach.stderr).toContain('attach needs a terminal');
  });
});
