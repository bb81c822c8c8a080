import type { HookReply } from '../../agent/events.js';
import { randomHex } from '../../agent/hook-channel.js';
import type { ClosedDecision, PendingDecision } from '../../contract/events.js';
import { defaultDecisionReply } from '../../agents/registry.js';
import { forComponent } from '../../log/component.js';
import type { FeatureFactory } from '../feature.js';
import { answerRoute } from './answer-route.js';
import type { HttpRoute } from '../../health/health-server.js';
import { type Answer, DecisionBook, MAX_PENDING_DECISIONS } from './decision-book.js';
import { summarizeToolInput, toolCallKey, toolName, toolOf } from './tool-summary.js';

/** Hooks after which no permission dialog can still be open: the turn ended, or a new one began. */
const TURN_ENDS = new Set(['Stop', 'StopFailure', 'UserPromptSubmit', 'SessionEnd', 'SessionStart']);

/**
 * The agent's permission requests as pending decisions: each PermissionRequest hook is held (up to
 * AGENTGATE_DECISION_WAIT_MS) until someone answers it through the answer API, and its answer is printed by
 * the hook in the form the agent's profile says. The agent's own dialog stays up meanwhile: an answer there (seen as the hook going away,
 * the tool's PostToolUse, or the turn's end) closes the decision, and so does the wait running out; the hook
 * then ends with no output and the dialog decides, as without agentgate. With AGENTGATE_PUBLIC_URL, the
 * webhook's copy of each decision carries signed approve and deny links, answered on the health server.
 */
export const holdDecisions: FeatureFactory = async ({ config, runtime, log, scrub, events, eventStream, webhook, profile }) => {
  const { waitMs, answerTokenSha256, publicUrl } = config.decisions;
  if (waitMs === 0) return null;
  // The answer in the form the agent's hook prints it: its profile's, else the default agent's.
  const answerFor = profile.decisionReply ?? defaultDecisionReply;
  const dlog = forComponent(log, 'decisions');
  const identity = { container: runtime.hostname, session: config.sessionName };
  const book = new DecisionBook();
  // Links only where they are sent: without a webhook nobody would get them. Loaded then: node:crypto costs memory.
  const links = webhook && publicUrl ? new (await import('./action-links.js')).ActionLinks(publicUrl) : null;
  const timers = new Map<string, NodeJS.Timeout>();
  let refused = 0;

  const closed = (c: ClosedDecision) => {
    clearTimeout(timers.get(c.id));
    timers.delete(c.id);
    dlog.info({ ...c }, 'decision closed');
    eventStream.publish('decision closed', { ...c, at: new Date().toISOString() });
  };

  const ask = (body: Record<string, unknown>, reply: HookReply) => {
    const now = Date.now();
    let id = randomHex(3);
    while (book.has(id)) id = randomHex(3);
    const tool = toolOf(body);
    const decision: PendingDecision = { id, tool: toolName(tool.name), summary: summarizeToolInput(tool.input, scrub), askedAtMs: now, expiresAtMs: now + waitMs };
    let end: (output: Record<string, unknown> | null) => void = () => {};
    const accepted = book.ask(decision, toolCallKey(body), (c, answer) => {
      end(answer ? answerFor(answer) : null);
      closed(c);
    });
    if (!accepted) {
      // Not held: the hook ends now and the dialog decides. Logged at the first and every 100th, not each.
      refused += 1;
      if (refused % 100 === 1) dlog.warn({ pending: MAX_PENDING_DECISIONS, refused, reason: 'too many pending' }, 'decision not held');
      return;
    }
    end = reply.hold(() => book.close(id, 'at the terminal', 'hook ended', Date.now()));
    timers.set(id, setTimeout(() => book.close(id, 'expired', 'expiry', Date.now()), waitMs).unref());
    dlog.info({ id, tool: decision.tool, waitMs }, 'decision pending');
    const at = new Date(now).toISOString();
    eventStream.publish('decision pending', { ...decision, at });
    // The links go to the webhook alone: /events, /readyz and the log are readable by the agent.
    webhook?.notify({ event: 'decision pending', ...decision, ...identity, at, ...(links ? { links: links.linksFor(decision) } : {}) });
  };

  const unsubscribe = events.subscribe((event) => {
    if (event.type === 'exited') return book.closeAll('agent exited', 'supervisor', Date.now());
    if (event.type !== 'hook') return;
    const name = event.event.name;
    if (name === 'PermissionRequest' && event.reply) ask(event.body, event.reply);
    else if (name === 'PostToolUse' || name === 'PostToolUseFailure') book.closeMatching(toolCallKey(event.body), 'at the terminal', 'terminal', Date.now());
    else if (TURN_ENDS.has(name)) book.closeAll('at the terminal', 'terminal', Date.now());
  });

  const routes: HttpRoute[] = [];
  if (links) {
    const { linkRoute } = await import('./link-route.js');
    routes.push(
      linkRoute({
        links,
        identity,
        lookup: (id) => book.lookup(id),
        answer: (id, answer) => book.answer(id, answer, Date.now()),
        onRefused: (fields) => dlog.info(fields, 'answer refused'),
      }),
    );
  }
  return {
    report: () => ({ decisions: book.list() }),
    routes: [
      ...routes,
      answerRoute({
        tokenSha256: answerTokenSha256,
        list: () => book.list(),
        answer: (id, answer) => book.answer(id, answer, Date.now()),
        onRefused: (fields) => dlog.info(fields, 'answer refused'),
      }),
    ],
    close: () => {
      unsubscribe();
      book.closeAll('agent exited', 'supervisor', Date.now());
    },
  };
};
