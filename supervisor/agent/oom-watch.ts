import type { Logger } from '../log/logger.js';
import type { MemoryCgroup } from '../runtime/memory-cgroup.js';
import { OomKillWatch } from '../runtime/oom-kill-watch.js';
import type { AgentEnd } from './agent-end.js';
import type { AgentEvents } from './events.js';

/** Reports each OOM kill in the container while this run of the agent lives (a tool of the agent, often). */
export function watchRunOomKills(options: {
  memory: MemoryCgroup | undefined;
  pid: number;
  now: () => number;
  log: Logger;
  events: AgentEvents;
  intervalMs?: number;
}): OomKillWatch | null {
  const { memory, pid } = options;
  if (!memory) return null;
  return new OomKillWatch(memory, {
    intervalMs: options.intervalMs,
    now: options.now,
    onKill: ({ count, total }) => {
      const limitBytes = memory.limitBytes();
      options.log.warn({ pid, count, total, limitBytes }, 'oom kill');
      options.events.emit({ type: 'oom-kill', pid, count, total, limitBytes });
    },
  });
}

/**
 * An end the kernel's OOM killer caused, whatever the exit code: the agent itself killed (SIGKILL), or a shell
 * agent whose child was (it exits 137 by itself). A kill the agent lived on long after does not name its end.
 */
export function nameOomKill(end: AgentEnd, oom: OomKillWatch | null, memory: MemoryCgroup | undefined, log: Logger): AgentEnd {
  if (!oom) return end;
  const { endedByKill, killsDuringRun } = oom.finish(end.endedAtMs);
  if (!endedByKill) return end;
  const fields = { code: end.code, signal: end.signal, oomKills: killsDuringRun, limitBytes: memory?.limitBytes() ?? null };
  log.warn({ ...fields, runMs: end.endedAtMs - end.startedAtMs }, 'agent oom-killed');
  return { ...end, reason: 'oom-killed' };
}
