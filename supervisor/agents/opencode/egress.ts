/**
 * What OpenCode needs whatever its provider: its own service (login, Zen models) and the model catalogue. The
 * provider's API (api.anthropic.com, api.openai.com, ...) is added by whoever chooses the provider.
 */
export const OPENCODE_EGRESS_HOSTS = 'opencode.ai:443, models.dev:443';
