import { closeSync, openSync, readSync } from 'node:fs';
import type { HookRoute } from '../health/health-server.js';
import type { AgentEvents, HookEvent } from './events.js';

/**
 * Where the agent's hooks report: a route on the health server that takes a per-start token and turns each
 * call into a `hook` event, and the variables that tell the agent's hook command where and how to post.
 * A call `accepts` refuses (the agent's profile says it is not of the conversation) ends at once, unheard.
 */
export function openHookChannel(
  events: AgentEvents,
  accepts: (event: HookEvent, body: Record<string, unknown>) => boolean = () => true,
): { route: HookRoute; agentEnv: (healthUrl: string) => Record<string, string> } {
  const token = randomHex(24);
  return {
    route: {
      token,
      onHook: (event, body, reply) => {
        if (accepts(event, body)) events.emit({ type: 'hook', event, body, reply });
      },
    },
    agentEnv: (healthUrl) => ({ AGENTGATE_HOOK_URL: `${healthUrl}/hooks`, AGENTGATE_HOOK_TOKEN: token }),
  };
}

/** `bytes` random bytes from the kernel, as hex: node:crypto would cost memory in every supervisor for this alone. */
export function randomHex(bytes: number): string {
  const buffer = Buffer.alloc(bytes);
  const fd = openSync('/dev/urandom', 'r');
  try {
    readSync(fd, buffer, 0, bytes, null);
  } finally {
    closeSync(fd);
  }
  return buffer.toString('hex');
}
