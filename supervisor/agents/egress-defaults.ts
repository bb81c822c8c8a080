import { CLAUDE_EGRESS_HOSTS } from './claude/egress.js';

/**
 * The egress proxy's list when none is given: the default agent's API and login hosts. Apart from the
 * registry so that the proxy's own bundle loads no agent's code.
 */
export const DEFAULT_AGENT_EGRESS = { agent: 'Claude Code', hosts: CLAUDE_EGRESS_HOSTS };
