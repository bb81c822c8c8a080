import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Config } from '../config/load-config.js';
import { EXIT } from '../errors.js';
import type { startProxyMode as StartProxyMode } from '../features/egress/proxy-mode.js';
import type { Logger } from '../log/logger.js';
import type { Runtime } from '../runtime/context.js';
import { STOP_SIGNALS, untilStopped } from '../runtime/stop-signals.js';

/** `agentgate proxy`: the egress proxy until a stop; SIGHUP re-reads the allowlist. */
export async function runProxy(runtime: Runtime, config: Config, log: Logger): Promise<number> {
  // The proxy's code is its own bundle beside this one (dist/egress-proxy.cjs, /opt/agentgate in the image).
  const bundle = join(runtime.bundleDir, 'egress-proxy.cjs');
  const { startProxyMode } = createRequire(bundle)(bundle) as { startProxyMode: typeof StartProxyMode };
  const proxy = await startProxyMode(config, log, runtime.env);
  // SIGHUP reloads here (the convention of daemons like nginx), so it is not a stop signal.
  const onHangup = () => proxy.reload('SIGHUP');
  runtime.signals.on('SIGHUP', onHangup);
  await untilStopped(runtime, log, STOP_SIGNALS.filter((s) => s !== 'SIGHUP'));
  runtime.signals.off('SIGHUP', onHangup);
  await proxy.close();
  log.info({ exitCode: EXIT.OK }, 'stopped');
  return EXIT.OK;
}
