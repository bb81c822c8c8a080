import type { AgentEvents } from '../agent/events.js';
import type { Logger } from '../log/logger.js';
import { ResumePolicy } from './claude/resume-policy.js';
import type { AgentProfile } from './profile.js';

/**
 * Resuming for an agent that can continue its latest conversation but reports no session id: Claude's rules
 * (`ResumePolicy`) with the agent's own words for "continue the latest". Nothing taken from the agent's output
 * reaches the command line: the words are constants. `hasHistory` says whether the state volume holds a
 * conversation (a re-created container resumes it).
 */
export function latestResume(enabled: boolean, continueArgs: readonly string[], hasHistory: () => boolean): Pick<AgentProfile, 'startArgs' | 'attach'> {
  const policy = enabled ? new ResumePolicy(true, undefined, continueArgs) : null;
  return {
    startArgs: () => (policy ? policy.argsForStart(null, hasHistory()) : []),
    attach: (events: AgentEvents, log: Logger) =>
      events.subscribe((event) => {
        if (event.type === 'exited' && event.reason !== 'stopped' && policy?.noteExit(event.runMs)) {
          log.warn({ runMs: event.runMs, code: event.code, detail: 'starting a fresh session' }, 'resume failed');
        }
      }),
  };
}
