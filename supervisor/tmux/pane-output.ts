import { constants, mkdirSync, openSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { runProcess } from '../runtime/run-process.js';

/**
 * The agent's screen output, as it happens, without polling: tmux's `pipe-pane` copies the pane's output into
 * a FIFO that the supervisor holds open (read and write, so that it never sees an end when tmux re-pipes at a
 * restart). Each chunk tells the agent's state machine that the screen changed.
 */
export class PaneOutput {
  readonly fifoPath: string;
  private socket: Socket | null = null;

  private constructor(runtimeDir: string) {
    this.fifoPath = join(runtimeDir, 'pane-output.fifo');
  }

  /** Makes the FIFO and starts reading it; null (with the reason) when it cannot, and the agent's state is then judged without the screen. */
  static async open(runtimeDir: string, onOutput: (chunk: Buffer) => void): Promise<PaneOutput | string> {
    const output = new PaneOutput(runtimeDir);
    try {
      mkdirSync(runtimeDir, { recursive: true, mode: 0o755 });
      rmSync(output.fifoPath, { force: true });
    } catch (error) {
      return `${runtimeDir}: ${(error as NodeJS.ErrnoException).code}`;
    }
    const made = await runProcess('mkfifo', ['-m', '0600', output.fifoPath], { env: process.env, timeoutMs: 5000 });
    if (!made.ok) return `mkfifo ${output.fifoPath}: ${made.stderr.trim() || made.errorCode || `exit ${made.exitCode}`}`;
    try {
      const fd = openSync(output.fifoPath, constants.O_RDWR | constants.O_NONBLOCK);
      output.socket = new Socket({ fd, readable: true, writable: false });
      output.socket.on('data', onOutput);
      output.socket.on('error', () => undefined); // the FIFO is ours; nothing to recover from
      output.socket.unref();
      return output;
    } catch (error) {
      return `open ${output.fifoPath}: ${(error as NodeJS.ErrnoException).code}`;
    }
  }

  /** The shell command tmux's pipe-pane runs for each agent run. */
  pipeCommand(): string {
    return `exec cat >> '${this.fifoPath}'`;
  }

  close(): void {
    this.socket?.destroy();
    rmSync(this.fifoPath, { force: true });
  }
}
