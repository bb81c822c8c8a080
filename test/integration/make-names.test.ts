import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
// A tripwire: had make called the host command, it would say that no engine answers here.
const NO_ENGINE = 'unix:///nonexistent/agentgate-test.sock';

/** make as a user runs it, from `cwd`; `-o build`: the bundle is built already, and a test never runs npm ci. */
function make(args: string[], options: { cwd?: string; dryRun?: boolean } = {}) {
  const r = spawnSync('make', ['-s', '-C', ROOT, '-o', 'build', ...(options.dryRun ? ['-n'] : []), ...args], {
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
    env: { ...process.env, PWD: options.cwd ?? ROOT, DOCKER_HOST: NO_ENGINE, MAKEFLAGS: '' },
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("make's agent names (issue 18: a typo or a directory's name never reaches another agent)", () => {
  for (const target of ['attach', 'down', 'status', 'logs', 'shell']) {
    it(`make ${target} PROJECT=<a typo> refuses with the path it looked for, before any agent is touched`, () => {
      const where = mkdtempSync(join(tmpdir(), 'agentgate-make-'));
      const r = make([target, 'PROJECT=../myprojet'], { cwd: where });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('PROJECT=../myprojet does not exist');
      expect(r.stderr).toContain(`relative paths are resolved from ${where}`);
      expect(r.stderr).not.toContain('no Docker engine');
    });
  }

  it('means the agent on PROJECT\'s directory, not the agent named like the directory', () => {
    // Two projects of one name in two places: the second's targets must not reach the first's agent.
    const base = mkdtempSync(join(tmpdir(), 'agentgate-make-'));
    const dir = join(base, 'other', 'My.App');
    mkdirSync(dir, { recursive: true });
    for (const [target, command] of [['down', 'rm'], ['attach', 'attach'], ['status', 'status'], ['logs', 'logs -f']] as const) {
      const r = make([target, `PROJECT=${dir}`], { dryRun: true });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`node dist/agentgate.cjs ${command} "${dir}"`);
    }
  });

  it('lets agentgate up name the agent of a PROJECT (or find the one already on it) unless NAME is given', () => {
    const dir = mkdtempSync(join(tmpdir(), 'agentgate-make-My.App-'));
    const named = make(['up', `PROJECT=${dir}`], { dryRun: true });
    expect(named.stdout).toMatch(new RegExp(`node dist/agentgate.cjs up "${dir}"  --image \\S+`));
    expect(named.stdout).not.toContain('--name');
    expect(make(['up', `PROJECT=${dir}`, 'NAME=mine'], { dryRun: true }).stdout).toContain(`up "${dir}" --name mine --image`);
    expect(make(['up', 'NAME=x'], { dryRun: true }).stdout).toContain('up --sample --name x --image');
    expect(make(['attach', 'NAME=x'], { dryRun: true }).stdout).toContain('node dist/agentgate.cjs attach x');
    expect(make(['up', 'ARGS=--ssh 2222 --egress'], { dryRun: true }).stdout).toMatch(/up --sample {2}--image \S+ --ssh 2222 --egress/);
  });
});
