import type { Logger } from '../log/logger.js';
import { sleepUnless } from '../runtime/stop-request.js';

/**
 * An agent must never start outside its workspace: while the workspace is unusable (unreadable, gone), the
 * supervisor waits, health says why, and the agent starts once it is usable. Resolves false when a stop came first.
 */
export async function waitForWorkspace(options: {
  probe: () => { ok: boolean; reason: string };
  path: string;
  retryMs: number;
  stopped: Promise<void>;
  log: Logger;
  /** Told when the wait begins (true) and when it ends with a usable workspace (false). */
  onWaiting: (waiting: boolean) => void;
}): Promise<boolean> {
  let check = options.probe();
  if (check.ok) return true;
  options.onWaiting(true);
  options.log.warn({ path: options.path, reason: check.reason, detail: 'the agent starts once it is usable again' }, 'workspace unusable');
  while (!check.ok) {
    if (!(await sleepUnless(options.retryMs, options.stopped))) return false;
    check = options.probe();
  }
  options.log.info({ path: options.path }, 'workspace usable again');
  options.onWaiting(false);
  return true;
}
