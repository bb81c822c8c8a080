import { type SpawnSyncReturns, spawn, spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { docker } from './docker.js';

const ROOT = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..');

/**
 * The host command installed as a user installs it (`npm install -g .` from the clone), into a prefix of the
 * test's own, so that the tests run the installed `agentgate`, not a file of the repository.
 */
export function installCli(): string {
  const prefix = mkdtempSync(join(tmpdir(), 'agentgate-prefix-'));
  const install = spawnSync('npm', ['install', '-g', '--prefix', prefix, '--no-fund', '--no-audit', ROOT], { encoding: 'utf8', timeout: 120_000 });
  if (install.status !== 0) throw new Error(`npm install -g . failed:\n${install.stderr}`);
  return join(prefix, 'bin', 'agentgate');
}

/** A project directory with a README, owned by `uid` (the agent runs as the directory's owner). */
export function projectDir(label: string, uid = 1000): string {
  const dir = mkdtempSync(join(tmpdir(), `agentgate-cli-${label}-`));
  writeFileSync(join(dir, 'README.md'), `# ${label}\n`);
  chownSync(dir, uid, uid);
  chownSync(join(dir, 'README.md'), uid, uid);
  return dir;
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export class AgentgateCli {
  readonly home = mkdtempSync(join(tmpdir(), 'agentgate-home-'));
  readonly made: string[] = [];

  constructor(
    readonly bin: string,
    private readonly env: NodeJS.ProcessEnv = {},
  ) {}

  run(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {}): CliRun {
    const r: SpawnSyncReturns<string> = spawnSync(this.bin, args, {
      encoding: 'utf8',
      cwd: options.cwd,
      input: options.input,
      timeout: options.timeoutMs ?? 240_000,
      env: { ...process.env, AGENTGATE_HOME: this.home, ...this.env, ...options.env },
    });
    return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '') };
  }

  /** Starts the command without waiting (to interrupt it). */
  start(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
    const child = spawn(this.bin, args, { cwd: options.cwd, env: { ...process.env, AGENTGATE_HOME: this.home, ...this.env, ...options.env } });
    const out = { stdout: '', stderr: '' };
    child.stdout.on('data', (d) => (out.stdout += d));
    child.stderr.on('data', (d) => (out.stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    return { child, out, exited };
  }

  /** Removes every agent (and state volume) a name of this run made. */
  cleanup(names: string[]): void {
    for (const name of names) {
      docker(['rm', '-f', `agentgate-${name}`]);
      docker(['volume', 'rm', '-f', `agentgate-${name}-state`, `agentgate-${name}-workspace`]);
    }
  }
}
