import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { type Server, type Socket, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { waitFor } from './wait-for.js';

/** Debian's Chromium (installed by .ci/run), driven headless: the browser a person would open the board in. */
export const CHROMIUM = process.env.AGENTGATE_CHROMIUM ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  // Root in a container or CI has no user namespace for Chromium's sandbox; the page is our own.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}

export interface RunningBoard {
  child: ChildProcess;
  /** The URL it printed, token included. */
  url: string;
  base: string;
  token: string;
  stderr: () => string;
  stop: () => Promise<number | null>;
}

/** `agentgate board --port 0` started as a user starts it; resolves once it printed its URL. */
export async function startBoard(bin: string, env: NodeJS.ProcessEnv = {}): Promise<RunningBoard> {
  const child = spawn(bin, ['board', '--port', '0'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const url = await waitFor(() => /^(http:\/\/\S+\?token=\S+)\n/.exec(stdout)?.[1], 'the board to print its URL', 30_000, () => stderr);
  const parsed = new URL(url);
  return {
    child,
    url,
    base: parsed.origin,
    token: parsed.searchParams.get('token') as string,
    stderr: () => stderr,
    stop: async () => {
      child.kill('SIGINT');
      // Bounded: a board that does not exit on Ctrl-C is a failure that names itself, not a 10-minute test timeout.
      const code = await Promise.race([exited, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 15_000).unref())]);
      if (code !== 'hung') return code;
      child.kill('SIGKILL');
      await exited;
      throw new Error(`agentgate board did not exit within 15 s of SIGINT; its stderr:\n${stderr}`);
    },
  };
}

/**
 * The engine's socket relayed through one of the test's own, which the test can take down and bring back: to
 * the board, exactly an engine that went away (its event stream and every exec cut) and came back, without
 * restarting the engine every other test uses.
 */
export class EngineRelay {
  readonly path = join(mkdtempSync(join(tmpdir(), 'agentgate-engine-')), 'docker.sock');
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();

  async up(): Promise<void> {
    rmSync(this.path, { force: true });
    const server = createServer((client) => {
      const engine = connect('/var/run/docker.sock');
      for (const s of [client, engine]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(engine).pipe(client);
      client.on('close', () => engine.destroy());
      engine.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(this.path, resolve));
    this.server = server;
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    // Stop listening first, then cut what is open: the board reconnects at once when its connection drops, and a
    // connection accepted between the cut and close() would keep close() from ever calling back (a 10-minute hang).
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await Promise.race([
      closed,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the engine relay did not close within 10 s (${this.sockets.size} connections open)`)), 10_000).unref()),
    ]);
  }
}
