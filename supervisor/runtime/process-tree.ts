import { readdirSync, readFileSync } from 'node:fs';
import treeKill from 'tree-kill';

/** True while `pid` exists and is not a zombie. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return readProcessStat(pid)?.state !== 'Z';
}

export interface ProcessStat {
  pid: number;
  state: string;
  ppid: number;
  sessionId: number;
}

/** Fields of /proc/<pid>/stat; the command name may hold spaces and parentheses, so parse after the last ')'. */
export function readProcessStat(pid: number): ProcessStat | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid, state: fields[0] as string, ppid: Number(fields[1]), sessionId: Number(fields[3]) };
  } catch {
    return null;
  }
}

/** Live processes whose session id is `sessionId`: the agent and every orphan it left behind. */
export function processesInSession(sessionId: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcessStat(Number(entry));
    if (stat && stat.sessionId === sessionId && stat.state !== 'Z') pids.push(stat.pid);
  }
  return pids;
}

/** Sends `signal` to one process or group, ignoring one that is already gone. */
export function sendSignal(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Live processes whose environment holds `name=value`: every process of one agent run, including daemons
 * that moved to a session of their own (`setsid -f`). Processes of other users are unreadable and skipped,
 * and `docker exec` processes never carry the marker, so they are never touched.
 */
export function processesWithMarker(name: string, value: string): number[] {
  const needle = Buffer.from(`${name}=${value}\0`);
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`);
      const at = environ.indexOf(needle);
      if (at === 0 || (at > 0 && environ[at - 1] === 0)) pids.push(Number(entry));
    } catch {
      // gone, or another user's: not ours to kill
    }
  }
  return pids.filter(isRunning);
}

/**
 * Signals `rootPid`, its descendants (tree-kill, which reads `ps`), every process left in its session
 * (orphans re-parented away from the tree) and, given a run marker, every process that carries it (daemons
 * that left the session). Resolves with the pids it found, to wait on.
 */
export async function killProcessTree(rootPid: number, signal: NodeJS.Signals, marker?: { name: string; value: string }): Promise<number[]> {
  const found = new Set(processesInSession(rootPid));
  if (marker) for (const pid of processesWithMarker(marker.name, marker.value)) found.add(pid);
  if (isRunning(rootPid)) {
    await new Promise<void>((resolve) => treeKill(rootPid, signal, () => resolve()));
  }
  for (const pid of found) sendSignal(pid, signal);
  return [...found];
}

/** Polls until none of `pids` runs, or the deadline passes; resolves true when all are gone. */
export async function waitUntilGone(pids: readonly number[], deadlineMs: number, pollMs = 25): Promise<boolean> {
  const until = Date.now() + deadlineMs;
  while (pids.some(isRunning)) {
    if (Date.now() >= until) return false;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  return true;
}
