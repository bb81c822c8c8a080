import type { HttpRoute } from '../../health/health-server.js';
import { forComponent } from '../../log/component.js';
import { authorized, readBody } from '../decisions/answer-route.js';
import type { FeatureFactory } from '../feature.js';
import { checkPrompt, PROMPT_MAX_CHARS } from './prompt-text.js';

/** States in which the agent reads a prompt: it finished its turn (hooks) or its screen is still (others). */
const TAKES_PROMPTS = new Set(['waiting', 'idle']);

/**
 * `POST /prompt` (`authorization: Bearer <answer token>`, `{"text": "...", "by"?: "..."}`): types the text into
 * the agent's session as its next prompt, exactly as given, then Enter. Refused (409, with the state) unless the
 * agent waits: a prompt typed while it works would land in the middle of its turn, and a queue would type it at
 * a moment nobody chose. The text is never logged; its size is.
 */
export const takePrompts: FeatureFactory = ({ config, log, health, typeIntoSession, screenTail, profile }) => {
  const tokenSha256 = config.decisions.answerTokenSha256;
  const plog = forComponent(log, 'prompts');
  // Typing is one at a time: two prompts pasted at once would interleave.
  let typing = false;
  const route: HttpRoute = {
    prefix: '/prompt',
    handle: (req, path, send) => {
      const refuse = (status: number, error: string) => {
        plog.info({ status, reason: error }, 'prompt refused');
        req.resume();
        send(status, { error });
      };
      if (path !== '/prompt') return refuse(404, `unknown path ${path}; try POST /prompt`);
      if (req.method !== 'POST') return refuse(405, 'POST only');
      if (!tokenSha256) return refuse(403, 'prompts from outside are off: the supervisor has no AGENTGATE_ANSWER_TOKEN_SHA256 (agentgate up sets it)');
      void authorized(req, tokenSha256)
        .then(async (ok) => {
          if (!ok) return refuse(403, 'bad or missing authorization: Bearer <answer token> (the hook token cannot prompt)');
          // JSON escapes can make the body up to 6 times the text (\u0000 per character): allow for the worst case.
          const body = await readBody(req, PROMPT_MAX_CHARS * 6 + 1024);
          if (body === null) return refuse(413, `prompt over ${PROMPT_MAX_CHARS} characters`);
          const parsed = checkPrompt(body);
          if (typeof parsed === 'string') return refuse(400, parsed);
          const snapshot = health();
          const state = snapshot.agentState?.state ?? 'unknown';
          if (snapshot.phase !== 'running' || snapshot.agentPid === null) return refuse(409, `the agent is not running (${snapshot.phase}): try again once agentgate status says waiting`);
          if (!TAKES_PROMPTS.has(state)) {
            const forS = snapshot.agentState ? Math.round((Date.now() - snapshot.agentState.sinceMs) / 1000) : 0;
            return refuse(409, `the agent is ${state} (for ${forS} s): a prompt is typed only while it waits; try again when agentgate status says waiting`);
          }
          // A dialog on the screen (an agent's question after a first turn) would take the prompt's Enter as its answer.
          const dialog = profile.openDialog?.(await screenTail()) ?? null;
          if (dialog) return refuse(409, `a dialog is open on the agent's screen ("${dialog}"): a prompt would answer it; answer it at the terminal first (agentgate attach)`);
          if (typing) return refuse(409, 'another prompt is being typed: try again in a moment');
          typing = true;
          const typed = await typeIntoSession(parsed.text).finally(() => (typing = false));
          if (!typed.ok) return refuse(503, `tmux did not take the prompt: ${typed.stderr || 'no session'}`);
          plog.info({ chars: parsed.text.length, lines: parsed.text.split('\n').length, by: parsed.by }, 'prompt typed');
          send(200, { typed: true, chars: parsed.text.length, by: parsed.by });
        })
        .catch(() => send(500, { error: 'prompt not read' }));
    },
  };
  return { routes: [route] };
};
