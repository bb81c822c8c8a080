import type Docker from 'dockerode';
import type { PendingEgressAsk } from '../../supervisor/contract/proxy-report.js';
import { LABEL } from '../labels.js';
import { EGRESS } from './egress.js';
import { execCapture } from './exec.js';

/** The egress proxy an agent goes out through, and the answer token its label holds (null: the host gives it). */
export interface EgressProxyContainer {
  id: string;
  name: string;
  labelToken: string | null;
}

const COMPOSE_PROJECT = 'com.docker.compose.project';
const COMPOSE_SERVICE = 'com.docker.compose.service';

/**
 * The agent's egress proxy: its compose project's `egress` service (compose/egress.yaml), or the one
 * `agentgate up --egress` made. Null when the agent has none (or it is not running).
 */
export async function findEgressProxy(docker: Docker, agentId: string): Promise<EgressProxyContainer | null> {
  const labels = (await docker.getContainer(agentId).inspect()).Config.Labels ?? {};
  const project = labels[COMPOSE_PROJECT];
  let id: string | null = null;
  if (project) {
    const found = await docker.listContainers({ filters: { label: [`${COMPOSE_PROJECT}=${project}`, `${COMPOSE_SERVICE}=egress`] } });
    id = found[0]?.Id ?? null;
  } else if (labels[EGRESS.label] === 'true') {
    id = (await docker.getContainer(EGRESS.proxy).inspect().catch(() => null))?.State.Running ? EGRESS.proxy : null;
  }
  if (!id) return null;
  const proxy = await docker.getContainer(id).inspect();
  return { id: proxy.Id, name: proxy.Name.replace(/^\//, ''), labelToken: proxy.Config.Labels?.[LABEL.answerToken] ?? null };
}

/** The agent's container addresses on its networks: the proxy records each ask's `client` address. */
export async function agentAddresses(docker: Docker, agentId: string): Promise<Set<string>> {
  const networks = (await docker.getContainer(agentId).inspect()).NetworkSettings.Networks ?? {};
  return new Set(Object.values(networks).flatMap((n) => [n.IPAddress, n.GlobalIPv6Address]).filter((a): a is string => Boolean(a)));
}

/** The proxy's pending asks (its health port, in its container) whose client is one of `addresses`. */
export async function pendingAsksFrom(docker: Docker, proxy: EgressProxyContainer, addresses: Set<string>): Promise<PendingEgressAsk[]> {
  const listed = await execCapture(docker, proxy.id, ['curl', '-sS', '-m', '2', 'http://127.0.0.1:7433/egress/decisions'], 5000).catch(() => null);
  if (!listed || listed.code !== 0) return [];
  try {
    const asks = (JSON.parse(listed.stdout) as { decisions?: PendingEgressAsk[] }).decisions ?? [];
    return asks.filter((a) => a.client && addresses.has(a.client));
  } catch {
    return [];
  }
}

/** The flag of each approval's reach, as `agentgate approve ID` takes it in the proxy's container. */
export const ASK_SCOPE_FLAGS = { once: '--once', agent: '--for-agent', always: '--always' } as const;

/**
 * The proxy's answer token: its `agentgate.answer-token` label when agentgate made it, else the host's
 * AGENTGATE_ANSWER_TOKEN (compose's proxy holds only the hash, AGENTGATE_ANSWER_TOKEN_SHA256, of a token you keep).
 */
export function proxyAnswerToken(proxy: EgressProxyContainer, env: Readonly<Record<string, string | undefined>>): string | null {
  return proxy.labelToken ?? (env.AGENTGATE_ANSWER_TOKEN || null);
}

/** Why an egress ask cannot be answered without the token, and what to do. */
export const NO_PROXY_TOKEN = {
  message: (proxy: EgressProxyContainer) => `the egress proxy ${proxy.name} holds only the hash of its answer token: give the token`,
  hint: 'set AGENTGATE_ANSWER_TOKEN to the token whose SHA-256 you gave the proxy (AGENTGATE_ANSWER_TOKEN_SHA256), then run it again',
};
