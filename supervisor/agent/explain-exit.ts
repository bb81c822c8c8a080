/**
 * Why an agent exited, in a few words, read from the last lines of its screen: `code 1` alone tells people
 * nothing. Only causes that are certain from the text are named; anything else is null.
 */
const CAUSES: Array<[RegExp, string]> = [
  [/Unable to connect to Anthropic services|Failed to connect to \S+: (EAI_AGAIN|ENOTFOUND|ECONNREFUSED|ETIMEDOUT)|API Error: Connection error/i, 'cannot reach its API'],
  [/Invalid API key|authentication_error|OAuth token has expired|Please run \/login/i, 'not logged in'],
  [/JavaScript heap out of memory|Cannot allocate memory|ENOMEM/i, 'out of memory'],
];

export function explainExit(lastLines: readonly string[]): string | null {
  const text = lastLines.join('\n');
  for (const [pattern, cause] of CAUSES) if (pattern.test(text)) return cause;
  return null;
}
