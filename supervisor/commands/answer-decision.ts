import type { PendingDecision } from '../contract/events.js';
import type { Runtime } from '../runtime/context.js';
import type { Invocation } from './invocation.js';
import { answerToken, askSupervisor, postWithToken, refuse, supervisorUrl } from './supervisor-api.js';
import { isProxyReport } from '../contract/proxy-report.js';
import { answerEgressAsk } from './answer-egress-ask.js';

/**
 * `agentgate approve|deny [ID] [--message M]` in the container: answers a pending decision through the
 * supervisor's answer API, with the token in AGENTGATE_ANSWER_TOKEN (never an argument: every process's
 * arguments are public). Without an ID it answers the only pending decision, and refuses when there are several.
 * Exit 0 answered, 1 refused (the reason is printed), 2 usage.
 */
export async function answerDecision(runtime: Runtime, invocation: Extract<Invocation, { kind: 'answer' }>): Promise<number> {
  const say = (text: string) => refuse(runtime, text);
  const token = answerToken(runtime, 'agentgate approve NAME');
  if (token === null) return 1;
  const baseUrl = supervisorUrl(runtime);
  // The egress proxy's container: the same command answers its egress asks.
  const ready = await askSupervisor(baseUrl, '/readyz', { method: 'GET' });
  if (!(ready instanceof Error) && isProxyReport(ready.body)) return answerEgressAsk(runtime, invocation, baseUrl, token);
  if (invocation.scope !== null) return say('--once, --for-agent and --always answer egress asks: run it in the egress proxy\'s container');
  let id = invocation.id;
  if (id === null) {
    const listed = await askSupervisor(baseUrl, '/decisions', { method: 'GET' });
    if (listed instanceof Error) return say(listed.message);
    const pending = (listed.body as { decisions?: PendingDecision[] }).decisions ?? [];
    if (pending.length === 0) return say('no pending decision');
    if (pending.length > 1) return say(`${pending.length} pending decisions, name one:\n${pending.map((d) => `  ${d.id}  ${d.tool} ${d.summary}`).join('\n')}`);
    id = (pending[0] as PendingDecision).id;
  }
  const body = { behavior: invocation.behavior, ...(invocation.message !== null ? { message: invocation.message } : {}), by: invocation.by };
  const answered = await postWithToken(baseUrl, `/decisions/${encodeURIComponent(id)}`, token, body);
  if (answered instanceof Error) return say(answered.message);
  if (answered.status !== 200) return say(`${invocation.behavior} ${id}: ${(answered.body as { error?: string }).error ?? `HTTP ${answered.status}`}`);
  const closed = answered.body as { id: string; tool: string; outcome: string };
  runtime.stdout.write(`${closed.outcome === 'allow' ? 'allowed' : 'denied'} ${closed.id} (${closed.tool})\n`);
  return 0;
}
