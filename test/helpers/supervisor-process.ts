import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type LogLine, parseLogLines } from './log-lines.js';
import { fromSnapshotArgs } from './snapshot-blob.js';
import { waitFor } from './wait-for.js';

const HERE = dirname(fileURLToPath(import.meta.url));
export const BUNDLE = resolve(HERE, '../../dist/supervisor.cjs');
export const FIXTURES = resolve(HERE, '../fixtures');

export type { LogLine };

/**
 * How node starts the supervisor: the bundle, or with AGENTGATE_TEST_FROM_SNAPSHOT=1 (or `fromSnapshot`) the
 * image's startup snapshot of it, built here (test/helpers/snapshot-blob.ts): the suite then checks the blob too.
 */
function supervisorArgs(fromSnapshot: boolean | undefined): string[] {
  return fromSnapshot ?? process.env.AGENTGATE_TEST_FROM_SNAPSHOT === '1' ? fromSnapshotArgs() : [BUNDLE];
}

export interface StartOptions {
  env?: Record<string, string>;
  args?: string[];
  /** Run the supervisor as this uid/gid (with setpriv), its directories chowned to it. */
  uid?: number;
  /** Use this workspace instead of a fresh temporary one. */
  workspace?: string;
  /** Files put into the fresh workspace before the supervisor starts. */
  files?: Record<string, string>;
  /** Run it in the network namespace of this process (nsenter -n): then reach its health port from there too. */
  netnsOf?: number;
  /** Start it from the startup snapshot of the bundle (true) or the bundle (false); AGENTGATE_TEST_FROM_SNAPSHOT by default. */
  fromSnapshot?: boolean;
}

/** A free loopback port: bound, read and released. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * The real bundle as PID 1 of a fresh PID namespace, under tini as in the image
 * (`unshare --pid --fork --mount-proc tini -- node dist/supervisor.cjs`), with its own tmux socket dir,
 * HOME and workspace. Every line it prints is kept and parsed.
 */
export class SupervisorProcess {
  readonly root: string;
  readonly workspace: string;
  readonly env: Record<string, string>;
  readonly healthPort: number;
  readonly raw: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;

  static async start(options: StartOptions = {}): Promise<SupervisorProcess> {
    return new SupervisorProcess(options, await freePort());
  }

  private constructor(options: StartOptions, healthPort: number) {
    this.root = mkdtempSync(join(tmpdir(), 'agentgate-test-'));
    chmodSync(this.root, 0o755);
    this.workspace = options.workspace ?? join(this.root, 'workspace');
    for (const dir of ['home', 'tmux', 'workspace']) {
      const path = join(this.root, dir);
      rmSync(path, { recursive: true, force: true });
      mkdirSync(path, { mode: 0o755 });
      if (options.uid !== undefined) chownSync(path, options.uid, options.uid);
    }
    chmodSync(join(this.root, 'tmux'), 0o700);
    for (const [name, content] of Object.entries(options.files ?? {})) writeFileSync(join(this.root, 'workspace', name), content);
    this.healthPort = healthPort;
    this.env = {
      PATH: `${FIXTURES}:/usr/local/bin:/usr/bin:/bin`,
      HOME: join(this.root, 'home'),
      TMUX_TMPDIR: join(this.root, 'tmux'),
      AGENTGATE_WORKSPACE: this.workspace,
      AGENTGATE_HEALTH_PORT: String(healthPort),
      AGENTGATE_STATE_DIR: join(this.root, 'home', '.claude'),
      AGENTGATE_CREDENTIALS_FILE: join(this.root, 'no-credentials'),
      AGENTGATE_SSH_DIR: join(this.root, 'no-ssh'),
      ...options.env,
    };
    const asUser = options.uid === undefined ? [] : ['/usr/bin/setpriv', `--reuid=${options.uid}`, `--regid=${options.uid}`, '--clear-groups'];
    const argv = ['--pid', '--fork', '--mount-proc', '--kill-child', '/usr/bin/tini', '--', ...asUser, process.execPath, ...supervisorArgs(options.fromSnapshot), ...(options.args ?? [])];
    const inNetns = options.netnsOf === undefined ? [] : ['/usr/bin/nsenter', '-t', String(options.netnsOf), '-n'];
    this.child = inNetns.length > 0 ? spawn(inNetns[0] as string, [...inNetns.slice(1), '/usr/bin/unshare', ...argv], { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] }) : spawn('/usr/bin/unshare', argv, { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      let pending = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        pending += chunk;
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        this.raw.push(...lines);
      });
      // Output that does not end with a newline is still output.
      stream?.on('end', () => {
        if (pending !== '') this.raw.push(pending);
      });
    }
    this.exited = new Promise((resolveExit) => this.child.on('exit', (code, signal) => resolveExit({ code, signal })));
  }

  /** The JSON log lines printed so far. */
  get logs(): LogLine[] {
    return parseLogLines(this.raw);
  }

  /** Everything printed, stdout and stderr. */
  get output(): string {
    return this.raw.join('\n');
  }

  async waitForLog(msg: string, where: (line: LogLine) => boolean = () => true, timeoutMs = 10_000): Promise<LogLine> {
    return waitFor(() => this.logs.find((l) => l.msg === msg && where(l)), `log ${JSON.stringify(msg)}`, timeoutMs, () => this.output);
  }

  logsOf(msg: string): LogLine[] {
    return this.logs.filter((l) => l.msg === msg);
  }

  /** tini, PID 1 of the namespace, as the host sees it. */
  async initPid(): Promise<number> {
    const pid = this.child.pid as number;
    return waitFor(() => Number(readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ')[0]) || undefined, 'tini pid', 5000);
  }

  /** The supervisor itself (node, tini's only child), as the host sees it. */
  async supervisorPid(): Promise<number> {
    const init = await this.initPid();
    return waitFor(() => Number(readFileSync(`/proc/${init}/task/${init}/children`, 'utf8').trim().split(' ')[0]) || undefined, 'supervisor pid', 5000);
  }

  /** Sends a signal to PID 1 (tini), as `docker stop` and `docker kill` do. */
  async signal(signal: NodeJS.Signals): Promise<void> {
    process.kill(await this.initPid(), signal);
  }

  /** Processes inside the namespace (host pids), with their state letter and command line. */
  async processes(): Promise<Array<{ pid: number; state: string; cmdline: string }>> {
    const init = await this.initPid();
    const ns = readlinkSync(`/proc/${init}/ns/pid`);
    return readdirSync('/proc')
      .filter((e) => /^\d+$/.test(e))
      .flatMap((e) => {
        try {
          if (readlinkSync(`/proc/${e}/ns/pid`) !== ns) return [];
          const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
          const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
          const cmdline = readFileSync(`/proc/${e}/cmdline`, 'utf8').split('\0').join(' ').trim();
          return [{ pid: Number(e), state, cmdline }];
        } catch {
          return [];
        }
      });
  }

  async health(path = '/readyz'): Promise<{ status: number; body: Record<string, any> }> {
    const res = await fetch(`http://127.0.0.1:${this.healthPort}${path}`);
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  }

  /** Runs a tmux client against this supervisor's server, as a user attaching would. */
  tmux(args: string[]): { status: number | null; stdout: string; stderr: string } {
    const result = spawnSync('tmux', args, { env: this.env, encoding: 'utf8', timeout: 5000 });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  readWorkspaceFile(name: string): string {
    try {
      return readFileSync(join(this.workspace, name), 'utf8');
    } catch {
      return '';
    }
  }

  /** Kills whatever is left and removes the temporary directories. */
  async cleanup(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** The hook URL and token the supervisor gave its agent, read from the agent's environment as the agent has them. */
export async function agentHookEnv(s: SupervisorProcess): Promise<{ url: string; token: string }> {
  return waitFor(async () => {
    for (const p of await s.processes()) {
      try {
        const env = Object.fromEntries(readFileSync(`/proc/${p.pid}/environ`, 'utf8').split('\0').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
        if (env.AGENTGATE_HOOK_TOKEN && env.AGENTGATE_HOOK_URL) return { url: env.AGENTGATE_HOOK_URL, token: env.AGENTGATE_HOOK_TOKEN };
      } catch {
        // gone, or not ours to read
      }
    }
    return undefined;
  }, "the agent's hook environment");
}
