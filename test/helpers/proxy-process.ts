import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { parseLogLines } from './log-lines.js';
import { BUNDLE, freePort } from './supervisor-process.js';
import { waitFor } from './wait-for.js';

export interface StartProxyOptions {
  /** The log event (`msg`) that says it is ready; waited for in this start's own output. */
  ready: string;
  /** Each chunk it prints (stdout and stderr), for a test that keeps its output across restarts. */
  onOutput?: (text: string) => void;
  /** Runs it in the network namespace of this process (nsenter; needs root). */
  netnsOf?: number;
}

/** `agentgate proxy` from the real bundle with `env` (and PATH only); resolves once it logged `ready`. */
export async function startProxy(env: Record<string, string>, options: StartProxyOptions): Promise<ChildProcess> {
  const argv = [process.execPath, BUNDLE, 'proxy'];
  const [cmd, ...args] = (options.netnsOf === undefined ? argv : ['nsenter', '-t', String(options.netnsOf), '-n', ...argv]) as [string, ...string[]];
  const child = spawn(cmd, args, { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let own = '';
  const keep = (d: Buffer) => {
    own += d;
    options.onOutput?.(String(d));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  await waitFor(() => parseLogLines(own.split('\n')).some((e) => e.msg === options.ready), options.ready, 10_000, () => own);
  return child;
}

/**
 * The asking proxy of the network-namespace tests: 127.0.0.1:3128, its health (and answers) on 127.0.0.1:8099,
 * `allow` listed, anything else held for an answer with `answerToken` for `waitMs`.
 */
export function askingProxyEnv(o: { allow: string; allowFile: string; waitMs: number; answerToken: string }): Record<string, string> {
  return {
    AGENTGATE_PROXY_HOST: '127.0.0.1',
    AGENTGATE_PROXY_PORT: '3128',
    AGENTGATE_HEALTH_HOST: '127.0.0.1',
    AGENTGATE_HEALTH_PORT: '8099',
    AGENTGATE_EGRESS_ALLOW: o.allow,
    AGENTGATE_EGRESS_ALLOW_FILE: o.allowFile,
    AGENTGATE_EGRESS_ASK: 'on',
    AGENTGATE_EGRESS_ASK_WAIT_MS: String(o.waitMs),
    AGENTGATE_ANSWER_TOKEN_SHA256: createHash('sha256').update(o.answerToken).digest('hex'),
  };
}

export interface CredentialProxy {
  child: ChildProcess;
  proxyPort: number;
  credentialPort: number;
  healthPort: number;
}

/**
 * The proxy holding keys, on free loopback ports, logging at debug, with no allow file: `env` gives the keys,
 * the upstreams and the allowlist. Resolves once its credential endpoint listens.
 */
export async function startCredentialProxy(env: Record<string, string>, onOutput: (text: string) => void): Promise<CredentialProxy> {
  const [proxyPort, credentialPort, healthPort] = [await freePort(), await freePort(), await freePort()];
  const child = await startProxy(
    {
      AGENTGATE_PROXY_HOST: '127.0.0.1',
      AGENTGATE_PROXY_PORT: String(proxyPort),
      AGENTGATE_CREDENTIAL_PORT: String(credentialPort),
      AGENTGATE_HEALTH_PORT: String(healthPort),
      AGENTGATE_EGRESS_ALLOW_FILE: '/nonexistent/agentgate-egress-allow',
      AGENTGATE_LOG_LEVEL: 'debug',
      ...env,
    },
    { ready: 'credential endpoint listening', onOutput },
  );
  return { child, proxyPort, credentialPort, healthPort };
}
