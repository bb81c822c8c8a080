import type Docker from 'dockerode';

export interface Wakeups {
  /** Resolves at the container's next log output (or at once if some came since the last call), else after `ms`. */
  next(ms: number): Promise<void>;
  close(): void;
}

/**
 * Wake-ups from the container's log: the supervisor logs the steps of its start (`ready` once the agent runs,
 * an error when its start failed), so asking for its health report right after such a line finds the answer
 * without polling the engine with execs (each one costs the starting container CPU, and one in flight when the
 * agent turns ready delays the answer by its length). `matters` picks the lines that wake; a log driver that
 * cannot be read leaves the timer alone.
 */
export async function logWakeups(docker: Docker, containerId: string, matters: (text: string) => boolean = () => true): Promise<Wakeups> {
  let pending = false;
  let wake: (() => void) | null = null;
  const stream = (await docker
    .getContainer(containerId)
    .logs({ follow: true, stdout: true, stderr: true, since: Math.floor(Date.now() / 1000) - 1 })
    .catch(() => null)) as NodeJS.ReadableStream | null;
  stream?.on('data', (chunk: Buffer) => {
    if (!matters(chunk.toString('utf8'))) return;
    pending = true;
    wake?.();
  });
  stream?.on('error', () => undefined);
  return {
    next(ms) {
      if (pending) {
        pending = false;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        const timer = setTimeout(done, ms);
        function done() {
          clearTimeout(timer);
          wake = null;
          pending = false;
          resolve();
        }
        wake = done;
      });
    },
    close() {
      wake?.();
      (stream as unknown as { destroy?: () => void } | null)?.destroy?.();
    },
  };
}
