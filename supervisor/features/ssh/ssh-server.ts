import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { ResultPromise } from 'execa';
import { StartupError } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import { authorizedKeysFor, parseSshdLine, sshdConfig } from './sshd-config.js';
import { findExecutable } from '../../runtime/find-executable.js';
import { readProcessStat, sendSignal } from '../../runtime/process-tree.js';

export interface SshServerOptions {
  host: string;
  port: number;
  stateDir: string;
  runtimeDir: string;
  authorizedKeysFile: string;
  readOnlyKeysFile: string;
  /** The forced command's prefix: the session and socket the logins attach to. */
  sessionCommand: string;
  env: Record<string, string | undefined>;
  log: Logger;
}

const READY_DEADLINE_MS = 5000;

/** Every way to give sshd a key: the host command, the compose override, or the file itself. */
const noKeysHint = (file: string) =>
  `give a public key: agentgate up --ssh-key FILE, AGENTGATE_SSH_KEYS=FILE with compose/ssh.yaml, or mount an authorized_keys file at ${file}`;
const RESTART_DELAY_MS = 1000;

/**
 * OpenSSH's server, run as the agent's own uid with no capabilities (it can only log that user in), as the
 * supervisor's child: restarted when it dies, stopped with the supervisor. The host key is made once in the
 * state volume, so clients see the same key after a restart or a re-created container.
 */
export class SshServer {
  private child: ResultPromise | null = null;
  private stopping = false;

  constructor(private readonly o: SshServerOptions) {}

  async start(): Promise<void> {
    const sshd = findExecutable('sshd', `${this.o.env.PATH ?? ''}:/usr/sbin:/sbin`);
    if (!sshd) throw new StartupError('AGENTGATE_SSH_PORT is set but sshd is not installed', { hint: 'install openssh-server (the image has it)' });
    let user: string;
    try {
      user = userInfo().username;
    } catch {
      throw new StartupError(`SSH needs a user name for uid ${process.getuid?.()}, and /etc/passwd has none`, { hint: 'run as uid 1000 (agentgate) to use SSH' });
    }
    const keyDir = join(this.o.stateDir, 'agentgate-ssh');
    const hostKey = join(keyDir, 'ssh_host_ed25519_key');
    mkdirSync(keyDir, { recursive: true, mode: 0o700 });
    if (!existsSync(hostKey)) {
      const { execa } = await import('execa');
      const made = await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'agentgate host key', '-f', hostKey], { reject: false, timeout: 10_000 });
      if (made.exitCode !== 0) throw new StartupError(`cannot make the SSH host key in ${keyDir}: ${String(made.stderr).trim() || made.shortMessage}`);
      this.o.log.info({ path: hostKey }, 'ssh host key made');
    }
    const keys = authorizedKeysFor({ readWrite: readOrEmpty(this.o.authorizedKeysFile), readOnly: readOrEmpty(this.o.readOnlyKeysFile) }, this.o.sessionCommand);
    if (keys.keys === 0) {
      this.o.log.warn({ files: [this.o.authorizedKeysFile, this.o.readOnlyKeysFile], detail: 'nobody can log in', hint: noKeysHint(this.o.authorizedKeysFile) }, 'ssh no authorized keys');
    }
    mkdirSync(this.o.runtimeDir, { recursive: true, mode: 0o755 });
    const keysPath = join(this.o.runtimeDir, 'ssh_authorized_keys');
    writeFileSync(keysPath, keys.text, { mode: 0o600 });
    chmodSync(keysPath, 0o600);
    const configPath = join(this.o.runtimeDir, 'sshd_config');
    writeFileSync(configPath, sshdConfig({ host: this.o.host, port: this.o.port, hostKeyPath: hostKey, authorizedKeysPath: keysPath, user }), { mode: 0o600 });
    await this.spawn(sshd, configPath);
    this.o.log.info({ host: this.o.host, port: this.o.port, keys: keys.keys }, 'ssh listening');
  }

  /** Ends every SSH connection (AGENTGATE_SSH_ON_AGENT_EXIT=end); people attached with docker exec stay. */
  endSessions(): number {
    const serverPid = this.child?.pid;
    if (!serverPid) return 0;
    let ended = 0;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      if (readProcessStat(Number(entry))?.ppid === serverPid && sendSignal(Number(entry), 'SIGTERM')) ended += 1;
    }
    return ended;
  }

  /** Stops the server and its connections within `deadlineMs`. */
  async stop(deadlineMs: number): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child) return;
    this.endSessions();
    const exited = new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), Math.max(1, deadlineMs));
    await exited;
    clearTimeout(timer);
  }

  private async spawn(sshd: string, configPath: string): Promise<void> {
    // -D: in the foreground, as our child; -e: its log on stderr, which becomes ours.
    const { execa } = await import('execa'); // loaded with SSH on: the way to ready without it needs none
    const child = execa(sshd, ['-D', '-e', '-f', configPath], { env: this.o.env, extendEnv: false, stdin: 'ignore', stdout: 'ignore', stderr: 'pipe', reject: false, cleanup: true });
    this.child = child;
    let listening = false;
    let lastLine = '';
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new StartupError(`sshd did not start listening on port ${this.o.port} within ${READY_DEADLINE_MS} ms`)), READY_DEADLINE_MS);
      let pending = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        pending += chunk.toString('utf8');
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          if (line.trim() !== '') lastLine = line.trim();
          if (!listening && /Server listening on/.test(line)) {
            listening = true;
            clearTimeout(timer);
            resolve();
          }
          const event = parseSshdLine(line);
          if (event) this.o.log[event.msg === 'ssh login failed' ? 'warn' : 'info'](event.fields, event.msg);
          else if (/error|fatal|Bad|Unsupported/i.test(line)) this.o.log.warn({ line: line.trim() }, 'sshd says');
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        if (!listening) reject(new StartupError(`sshd exited at start (code ${code}): ${lastLine || 'no message'}`));
      });
    });
    void child.catch(() => undefined);
    // The process's exit, not the promise: open SSH connections keep sshd's stderr open long after it died.
    child.once('exit', (code, signal) => {
      if (this.stopping || !listening) return;
      // A dead sshd is restarted: SSH is how people reach the agent.
      this.o.log.warn({ code, signal, inMs: RESTART_DELAY_MS, detail: 'restarting it' }, 'sshd exited');
      setTimeout(() => {
        if (!this.stopping) void this.spawn(sshd, configPath).catch((error: Error) => this.o.log.error({ err: error.message }, 'sshd restart failed'));
      }, RESTART_DELAY_MS).unref();
    });
    await ready;
  }
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
