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
 * Signals `rootPid`, its descendants (tree-kill, which reads `ps`) and every process left in its
 * session (orphans re-parented away from the tree). Resolves with the session's pids, to wait on.
 */
export async function killProcessTree(rootPid: number, signal: NodeJS.Signals): Promise<number[]> {
  const inSession = processesInSession(rootPid);
  if (isRunning(rootPid)) {
    await new Promise<void>((resolve) => treeKill(rootPid, signal, () => resolve()));
  }
  for (const pid of inSession) sendSignal(pid, signal);
  return inSession;
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
