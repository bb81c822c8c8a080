import type { HookEvent } from '../../agent/events.js';

/**
 * Codex fires its hooks for every thread, the side thread that writes each task's title included (run with
 * bypassed permissions, beside a turn that may wait for one). That thread keeps no transcript: its calls carry
 * `transcript_path: null`, and would end a pending decision and flip the state if they counted.
 */
export function codexAcceptsHook(_event: HookEvent, body: Record<string, unknown>): boolean {
  return body.transcript_path !== null;
}

/**
 * What Codex reads from a PermissionRequest hook's stdout: `decision.behavior` allow or deny, a deny's message
 * for the model (Codex 0.171 refuses any other field of the decision, and fails closed on one).
 */
export function codexDecision(answer: { behavior: 'allow' | 'deny'; message?: string; by: string }): Record<string, unknown> {
  const decision = answer.behavior === 'allow' ? { behavior: 'allow' } : { behavior: 'deny', message: answer.message ?? `denied by ${answer.by}` };
  return { hookSpecificOutput: { hookEventName: 'PermissionRequest', decision } };
}
