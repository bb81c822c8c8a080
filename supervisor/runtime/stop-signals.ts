import type { Logger } from '../log/logger.js';
import type { Runtime } from './context.js';
import { StopRequest } from './stop-request.js';

export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT'];

/** First stop signal: graceful stop. Any later one: force. Returns a function that removes the handlers. */
export function installStopSignals(runtime: Pick<Runtime, 'signals'>, stop: StopRequest, log: Logger, signals: readonly NodeJS.Signals[] = STOP_SIGNALS): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    const kind = stop.request();
    log.info({ signal, kind }, kind === 'graceful' ? 'stop requested' : 'stop forced');
  };
  for (const signal of signals) runtime.signals.on(signal, onSignal);
  return () => {
    for (const signal of signals) runtime.signals.off(signal, onSignal);
  };
}

/**
 * Holds the process until a stop signal (keep-alive, a held failed start, the proxy): the handlers are
 * installed for the wait and removed after it; a timer keeps the event loop alive meanwhile.
 */
export async function untilStopped(runtime: Pick<Runtime, 'signals'>, log: Logger, signals: readonly NodeJS.Signals[] = STOP_SIGNALS): Promise<void> {
  const stop = new StopRequest();
  const release = installStopSignals(runtime, stop, log, signals);
  const keepAlive = setInterval(() => undefined, 1 << 30);
  try {
    await stop.stopped;
  } finally {
    clearInterval(keepAlive);
    release();
  }
}
