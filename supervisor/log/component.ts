import type { Logger } from 'pino';

/** The root each component's logger was made from: a child's bindings are appended, never replaced. */
const roots = new WeakMap<Logger, Logger>();

/**
 * The logger of one component (`tmux`, `ssh`, `webhook`, ...): a child of the root, so that each line carries
 * one `component`, never the parent's and its own. Apart from logger.ts so that the proxy's bundle loads no pino.
 */
export function forComponent(log: Logger, component: string): Logger {
  const root = roots.get(log) ?? log;
  const child = root.child({ component });
  roots.set(child, root);
  return child;
}
