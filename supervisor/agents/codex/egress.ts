/** What Codex CLI needs to reach: OpenAI's API, its login, and ChatGPT's backend (ChatGPT-plan logins). */
export const CODEX_EGRESS_HOSTS = 'api.openai.com:443, auth.openai.com:443, chatgpt.com:443';
