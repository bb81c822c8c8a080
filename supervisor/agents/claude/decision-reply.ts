/** What Claude reads from a PermissionRequest hook's stdout: the answer, or (a deny) the message for the model. */
export function claudeDecision(answer: { behavior: 'allow' | 'deny'; message?: string; by: string }): Record<string, unknown> {
  const decision = answer.behavior === 'allow' ? { behavior: 'allow' } : { behavior: 'deny', message: answer.message ?? `denied by ${answer.by}` };
  return { hookSpecificOutput: { hookEventName: 'PermissionRequest', decision } };
}
