import type { ClosedEgressAsk, PendingEgressAsk } from '../contract/proxy-report.js';
import type { Runtime } from '../runtime/context.js';
import type { Invocation } from './invocation.js';
import { askSupervisor, postWithToken, refuse } from './supervisor-api.js';

/**
 * `agentgate approve|deny [ID] [--once|--for-agent|--always]` in the egress proxy's container: answers an egress
 * ask through `POST /egress/decisions/ID` with the answer token. Without an ID it answers the only waiting one.
 */
export async function answerEgressAsk(runtime: Runtime, invocation: Extract<Invocation, { kind: 'answer' }>, baseUrl: string, token: string): Promise<number> {
  const say = (text: string) => refuse(runtime, text);
  if (invocation.message !== null) return say('an egress ask takes no --message: the agent sees only the 403');
  let id = invocation.id;
  if (id === null) {
    const listed = await askSupervisor(baseUrl, '/egress/decisions', { method: 'GET' });
    if (listed instanceof Error) return say(listed.message);
    const pending = (listed.body as { decisions?: PendingEgressAsk[] }).decisions ?? [];
    if (pending.length === 0) return say('no egress ask waits (is AGENTGATE_EGRESS_ASK=on in the proxy?)');
    if (pending.length > 1) return say(`${pending.length} egress asks wait, name one:\n${pending.map((a) => `  ${a.id}  ${a.method} ${a.host}:${a.port}`).join('\n')}`);
    id = (pending[0] as PendingEgressAsk).id;
  }
  const answer = invocation.behavior === 'deny' ? 'deny' : (invocation.scope ?? 'once');
  const answered = await postWithToken(baseUrl, `/egress/decisions/${encodeURIComponent(id)}`, token, { answer, by: invocation.by });
  if (answered instanceof Error) return say(answered.message);
  if (answered.status !== 200) return say(`${answer} ${id}: ${(answered.body as { error?: string }).error ?? `HTTP ${answered.status}`}`);
  const closed = answered.body as ClosedEgressAsk;
  runtime.stdout.write(`${closed.outcome === 'deny' ? 'denied' : `allowed (${closed.outcome})`} ${closed.id} (${closed.host}:${closed.port})\n`);
  return 0;
}
