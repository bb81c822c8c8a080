import type { Config } from '../../config/load-config.js';
import { choiceDialogOnScreen } from '../choice-dialog.js';
import type { Logger } from '../../log/logger.js';
import { forComponent } from '../../log/component.js';
import { type AgentProfile, explainFrom } from '../profile.js';
import { settleAutoModeOffer } from './claude-state-file.js';
import { API_KEY_PLACEHOLDER, approvePlaceholderKey, placeholderApiEnv } from './credential-placeholder.js';
import { claudeDecision } from './decision-reply.js';
import { claudeHasCredentials, loginHint } from './login.js';
import { ResumePolicy } from './resume-policy.js';
import { SessionRecord, isSessionId } from './session-record.js';
import { TranscriptTail } from './transcript-tail.js';

/** What Claude Code's last screen lines say for certain, beyond what every agent's say. */
const CLAUDE_CAUSES: Array<[RegExp, string]> = [];

/**
 * Claude keeps its login, settings and conversations in the state dir, unless CLAUDE_CONFIG_DIR names another
 * place; the image's own CLAUDE_CONFIG_DIR (the configured state dir) follows a state dir that had to move.
 */
export function claudeStateEnv(stateDir: string, env: Readonly<Record<string, string | undefined>>, configuredStateDir = stateDir): Record<string, string> {
  const given = env.CLAUDE_CONFIG_DIR;
  return { CLAUDE_CONFIG_DIR: given === undefined || given === configuredStateDir ? stateDir : given };
}

/** Why Claude exited, when its last screen lines say so for certain. */
export function explainClaudeExit(lastLines: readonly string[]): string | null {
  return explainFrom(CLAUDE_CAUSES, lastLines);
}

/** Claude Code alone holds about 300 MiB. */
const CLAUDE_MEMORY_FLOOR_BYTES = 512 * 2 ** 20;

/**
 * Claude Code: its hooks report its state (the image's managed settings install them), it continues its
 * conversation after a restart (`--resume <id>` from its SessionStart hook, else `--continue`), its login
 * lives in the state dir (CLAUDE_CONFIG_DIR), and its transcript can be logged.
 */
export function claudeProfile(config: Config, scrub: (text: string) => string): AgentProfile {
  const stateDir = config.state.stateDir;
  const record = new SessionRecord(stateDir);
  const resume = config.resume ? new ResumePolicy(true) : null;
  return {
    name: 'claude',
    hooks: true,
    memoryFloorBytes: CLAUDE_MEMORY_FLOOR_BYTES,
    agentEnv: (_config, env) => {
      const stateEnv = claudeStateEnv(stateDir, env);
      // The egress proxy holds the real key: settle Claude's "use this API key?" question for the placeholder.
      if (env.ANTHROPIC_API_KEY === API_KEY_PLACEHOLDER) approvePlaceholderKey(stateEnv.CLAUDE_CONFIG_DIR as string);
      // No person may be there to answer Claude's auto-mode offer after a first turn: settle it as "not now".
      settleAutoModeOffer(stateEnv.CLAUDE_CONFIG_DIR as string);
      return { ...stateEnv, ...placeholderApiEnv(config.credentialUrl, env) };
    },
    startArgs: () => (resume ? resume.argsForStart(record.read(), false) : []),
    needsLogin: (env) => !claudeHasCredentials(env, stateDir),
    loginHint,
    loginSummary: 'Claude has no credential; attach and follow its login prompt, or set ANTHROPIC_API_KEY (see the log)',
    explainExit: explainClaudeExit,
    openDialog: choiceDialogOnScreen,
    decisionReply: claudeDecision,
    attach: (events, log) => {
      const transcript = config.transcript ? new TranscriptTail(stateDir, scrub, forComponent(log, 'transcript')) : null;
      const unsubscribe = events.subscribe((event) => {
        if (event.type === 'hook') {
          transcript?.onHook(event.body);
          if (event.event.name === 'SessionStart' && resume) noteSession(record, event.body.session_id, log);
        }
        if (event.type === 'exited' && event.reason !== 'stopped' && resume?.noteExit(event.runMs)) {
          log.warn({ runMs: event.runMs, code: event.code, detail: 'starting a fresh session' }, 'resume failed');
        }
      });
      return () => {
        unsubscribe();
        transcript?.close();
      };
    },
  };
}

/**
 * Keeps the session id a SessionStart hook reported, when it is of Claude's own form. The hook body comes from
 * the agent's side: a refused id is described (its type and length), never echoed.
 */
function noteSession(record: SessionRecord, id: unknown, log: Logger): void {
  if (!isSessionId(id)) {
    const detail = 'not a Claude session id (a UUID): a restart resumes the last id kept, or continues the latest conversation';
    log.warn({ type: typeof id, chars: typeof id === 'string' ? id.length : null, detail }, 'session id refused');
  } else if (!record.write(id)) {
    log.warn({ detail: 'the state dir is not writable: a restart continues the latest conversation instead' }, 'session id not kept');
  }
}
