/** What Claude Code needs to reach, and nothing else: its API and its login. */
export const CLAUDE_EGRESS_HOSTS = 'api.anthropic.com:443, console.anthropic.com:443, claude.ai:443, platform.claude.com:443';
