import type { PendingEgressAsk } from '../../contract/proxy-report.js';
import { forComponent } from '../../log/component.js';
import type { FeatureFactory } from '../feature.js';
import { diffAsks } from './ask-diff.js';
import { FeedFollower } from './feed-follower.js';

/**
 * With AGENTGATE_EGRESS_ASK_FEED_URL (set by compose/egress.yaml, `agentgate up --egress` and the Helm chart when
 * the proxy asks): the agent's requests that its egress proxy holds for an answer, followed on the proxy's ask
 * feed and shown where decisions show: health (`pendingEgressAsks`), `status`, `/events` and the webhook. The
 * supervisor only shows them: answering needs the answer token, which neither it nor the agent holds, so the
 * webhook carries no action links for them.
 */
export const followEgressAsks: FeatureFactory = ({ config, runtime, log, eventStream, webhook }) => {
  const url = config.egressAskFeedUrl;
  if (!url) return null;
  const alog = forComponent(log, 'egress-asks');
  const identity = { container: runtime.hostname, session: config.sessionName };
  let shown: PendingEgressAsk[] = [];
  const follower = new FeedFollower(url, {
    feed: (feed) => {
      const nowMs = Date.now();
      const { opened, closed } = diffAsks(shown, feed, nowMs);
      shown = feed.pending;
      const at = new Date(nowMs).toISOString();
      for (const c of closed) {
        alog.info({ ...c }, 'egress ask closed');
        eventStream.publish('egress ask closed', { ...c, at });
      }
      for (const a of opened) {
        alog.info({ id: a.id, host: a.host, port: a.port, method: a.method }, 'egress ask pending');
        eventStream.publish('egress ask pending', { ...a, at });
        webhook?.notify({ event: 'egress ask pending', ...a, ...identity, at });
      }
    },
    lost: (reason) => alog.warn({ url: url.origin, reason }, 'ask feed unreachable'),
    regained: () => alog.info({ url: url.origin }, 'ask feed following'),
  });
  return {
    report: () => ({ pendingEgressAsks: shown }),
    start: async () => follower.start(),
    close: () => follower.close(),
  };
};
