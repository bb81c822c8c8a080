import { lookup } from 'node:dns/promises';
import { request } from 'node:http';
import { connect } from 'node:net';

export interface EgressSelfTest {
  ok: boolean;
  reason: string;
}

const TIMEOUT_MS = 3000;

/**
 * The agent's own check that its isolation holds (compose/egress.yaml): a direct connection to a probe
 * address outside the allowlist must fail, an outside name must not resolve, and the proxy must answer.
 * Any of these wrong means the agent can reach past the proxy, and its health says so.
 */
export async function testEgressIsolation(options: { probe: { host: string; port: number }; proxyUrl: string | null; randomName: string }): Promise<EgressSelfTest> {
  const problems: string[] = [];
  if (await connects(options.probe.host, options.probe.port)) problems.push(`a direct connection to ${options.probe.host}:${options.probe.port} succeeded`);
  const resolved = await lookup(options.randomName).then((r) => r.address, () => null);
  if (resolved) problems.push(`the outside name ${options.randomName} resolved (to ${resolved})`);
  if (!options.proxyUrl) problems.push('no proxy is set (HTTPS_PROXY)');
  else if (!(await answers(options.proxyUrl))) problems.push(`the proxy ${options.proxyUrl} does not answer`);
  if (problems.length > 0) return { ok: false, reason: `NOT ISOLATED: ${problems.join('; ')}` };
  return { ok: true, reason: `isolated: ${options.probe.host}:${options.probe.port} unreachable directly, outside names unresolved, the proxy answers` };
}

function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: TIMEOUT_MS });
    const done = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET', timeout: TIMEOUT_MS, agent: false }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}
