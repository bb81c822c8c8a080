import type { PendingDecision } from '../contract/events.js';
import { type ClosedEgressAsk, type PendingEgressAsk, isProxyReport } from '../contract/proxy-report.js';
import type { Runtime } from '../runtime/context.js';
import type { Invocation } from './invocation.js';
import { answerToken, askSupervisor, postWithToken, refuse, supervisorUrl } from './supervisor-api.js';

type AnswerInvocation = Extract<Invocation, { kind: 'answer' }>;

/**
 * What differs between answering the agent's decisions (its supervisor's `/decisions`) and the egress proxy's asks
 * (its `/egress/decisions`): the paths, the body, and the words; the flow around them is one.
 */
interface Pending<T extends { id: string }> {
  list: string;
  none: string;
  several: (count: number) => string;
  line: (item: T) => string;
  /** The answer's body, or why this invocation cannot answer this kind. */
  body: (invocation: AnswerInvocation) => { answer: string; body: unknown } | string;
  done: (closed: Record<string, unknown>) => string;
}

const DECISIONS: Pending<PendingDecision> = {
  list: '/decisions',
  none: 'no pending decision',
  several: (n) => `${n} pending decisions`,
  line: (d) => `  ${d.id}  ${d.tool} ${d.summary}`,
  body: (i) =>
    i.scope !== null
      ? "--once, --for-agent and --always answer egress asks: run it in the egress proxy's container"
      : { answer: i.behavior, body: { behavior: i.behavior, ...(i.message !== null ? { message: i.message } : {}), by: i.by } },
  done: (c) => `${c.outcome === 'allow' ? 'allowed' : 'denied'} ${String(c.id)} (${String(c.tool)})`,
};

const EGRESS_ASKS: Pending<PendingEgressAsk> = {
  list: '/egress/decisions',
  none: 'no egress ask waits (is AGENTGATE_EGRESS_ASK=on in the proxy?)',
  several: (n) => `${n} egress asks wait`,
  line: (a) => `  ${a.id}  ${a.method} ${a.host}:${a.port}`,
  body: (i) => {
    if (i.message !== null) return 'an egress ask takes no --message: the agent sees only the 403';
    const answer = i.behavior === 'deny' ? 'deny' : (i.scope ?? 'once');
    return { answer, body: { answer, by: i.by } };
  },
  done: (c) => {
    const closed = c as unknown as ClosedEgressAsk;
    return `${closed.outcome === 'deny' ? 'denied' : `allowed (${closed.outcome})`} ${closed.id} (${closed.host}:${closed.port})`;
  },
};

/**
 * `agentgate approve|deny [ID] [--message M]` in the container: answers a pending decision through the
 * supervisor's answer API, with the token in AGENTGATE_ANSWER_TOKEN (never an argument: every process's
 * arguments are public); in the egress proxy's container, an egress ask (`[--once|--for-agent|--always]`).
 * Without an ID it answers the only pending one, and refuses when there are several.
 * Exit 0 answered, 1 refused (the reason is printed), 2 usage.
 */
export async function answerDecision(runtime: Runtime, invocation: AnswerInvocation): Promise<number> {
  const token = answerToken(runtime, 'agentgate approve NAME');
  if (token === null) return 1;
  const baseUrl = supervisorUrl(runtime);
  const ready = await askSupervisor(baseUrl, '/readyz', { method: 'GET' });
  const proxy = !(ready instanceof Error) && isProxyReport(ready.body);
  return proxy ? answerPending(runtime, invocation, baseUrl, token, EGRESS_ASKS) : answerPending(runtime, invocation, baseUrl, token, DECISIONS);
}

async function answerPending<T extends { id: string }>(runtime: Runtime, invocation: AnswerInvocation, baseUrl: string, token: string, kind: Pending<T>): Promise<number> {
  const say = (text: string) => refuse(runtime, text);
  const answer = kind.body(invocation);
  if (typeof answer === 'string') return say(answer);
  let id = invocation.id;
  if (id === null) {
    const listed = await askSupervisor(baseUrl, kind.list, { method: 'GET' });
    if (listed instanceof Error) return say(listed.message);
    const pending = (listed.body as { decisions?: T[] }).decisions ?? [];
    if (pending.length === 0) return say(kind.none);
    if (pending.length > 1) return say(`${kind.several(pending.length)}, name one:\n${pending.map(kind.line).join('\n')}`);
    id = (pending[0] as T).id;
  }
  const answered = await postWithToken(baseUrl, `${kind.list}/${encodeURIComponent(id)}`, token, answer.body);
  if (answered instanceof Error) return say(answered.message);
  if (answered.status !== 200) return say(`${answer.answer} ${id}: ${(answered.body as { error?: string }).error ?? `HTTP ${answered.status}`}`);
  runtime.stdout.write(`${kind.done(answered.body as Record<string, unknown>)}\n`);
  return 0;
}
