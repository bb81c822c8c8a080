import { forComponent } from '../../log/component.js';
import { authorized } from '../decisions/answer-route.js';
import type { FeatureFactory } from '../feature.js';
import { ScreenFeed } from './screen-feed.js';

/**
 * `GET /screen` (`authorization: Bearer <answer token>`): the agent's screen as it is now, with colours, as
 * JSON; `GET /screen?follow=1`: the same as server-sent events, one `screen` event at once and one each time the
 * pane's output changes it (what the board's live view shows). The screen can hold what the agent printed, so it
 * takes the token that answers the agent, never the hook token; secrets are scrubbed from it as from events.
 */
export const serveScreen: FeatureFactory = ({ config, log, scrub, events, tmux }) => {
  const tokenSha256 = config.decisions.answerTokenSha256;
  const slog = forComponent(log, 'screen');
  const feed = new ScreenFeed(() => tmux.screen(config.sessionName), scrub, (fields) => slog.warn(fields, 'screen client cut off'));
  const unsubscribe = events.subscribe((event) => {
    if (event.type === 'output' || event.type === 'started') feed.changed();
  });
  return {
    routes: [
      {
        prefix: '/screen',
        handle: (req, path, send, res) => {
          const refuse = (status: number, error: string) => {
            slog.info({ status, reason: error }, 'screen refused');
            req.resume();
            send(status, { error });
          };
          if (path !== '/screen') return refuse(404, `unknown path ${path}; try GET /screen`);
          if (req.method !== 'GET') return refuse(405, 'GET only');
          if (!tokenSha256) return refuse(403, 'the screen is off: the supervisor has no AGENTGATE_ANSWER_TOKEN_SHA256 (agentgate up sets it)');
          const follow = /(^|&)follow=(1|true)(&|$)/.test((req.url ?? '').split('?')[1] ?? '');
          void authorized(req, tokenSha256)
            .then(async (ok) => {
              if (!ok) return refuse(403, 'bad or missing authorization: Bearer <answer token> (the hook token cannot read the screen)');
              const screen = await feed.current();
              if (!screen) return refuse(503, 'no screen: the agent session is not running');
              if (!follow) return send(200, JSON.parse(scrub(JSON.stringify(screen))));
              feed.stream.attach(res, { name: 'screen', data: screen });
            })
            .catch(() => send(500, { error: 'screen not read' }));
        },
      },
    ],
    close: () => {
      unsubscribe();
      feed.close();
    },
  };
};
