/**
 * Each agent's API key variables (and Claude's API address), as plain data: the profiles read them (login detection), the secret scrubber
 * matches them by name (they hold KEY or TOKEN), and the host command passes the selected agent's from your shell,
 * and only its: an agent holds no key it does not use.
 */
export const CLAUDE_KEY_VARIABLES = ['ANTHROPIC_API_KEY', 'CLAUDE_CODE_OAUTH_TOKEN', 'ANTHROPIC_AUTH_TOKEN', 'ANTHROPIC_BASE_URL'] as const;
export const CODEX_KEY_VARIABLES = ['OPENAI_API_KEY', 'CODEX_API_KEY'] as const;
export const GEMINI_KEY_VARIABLES = ['GEMINI_API_KEY', 'GOOGLE_API_KEY'] as const;
export const COPILOT_KEY_VARIABLES = ['COPILOT_GITHUB_TOKEN', 'GH_TOKEN', 'GITHUB_TOKEN', 'COPILOT_PROVIDER_API_KEY', 'COPILOT_PROVIDER_BEARER_TOKEN'] as const;
// GOOGLE_GENERATIVE_AI_API_KEY: the variable OpenCode's Google provider reads its key from (its SDK's own).
export const OPENCODE_KEY_VARIABLES = ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'GEMINI_API_KEY', 'GOOGLE_API_KEY', 'GOOGLE_GENERATIVE_AI_API_KEY', 'OPENROUTER_API_KEY', 'OPENCODE_API_KEY'] as const;

/** By preset name; a command line of your own gets Claude's, as before presets existed. */
export function keyVariablesOf(agent: string | undefined): readonly string[] {
  switch (agent) {
    case 'codex':
      return CODEX_KEY_VARIABLES;
    case 'gemini':
      return GEMINI_KEY_VARIABLES;
    case 'copilot':
      return COPILOT_KEY_VARIABLES;
    case 'opencode':
      return OPENCODE_KEY_VARIABLES;
    default:
      return CLAUDE_KEY_VARIABLES;
  }
}
