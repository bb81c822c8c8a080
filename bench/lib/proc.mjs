// Process facts from /proc: what `ps` and `top` read, without their sampling.
import { readFileSync, readdirSync } from 'node:fs';

const CLOCK_TICKS_PER_S = 100; // USER_HZ on Linux x86_64

export function rssKiB(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(line?.match(/(\d+)/)?.[1] ?? 0);
}

/**
 * Memory as the kernel attributes it: RSS counts shared pages (the node binary, mapped by every container from
 * the same image) in full for each process; PSS divides them among their sharers; anonymous is the process's own.
 */
export function memoryKiB(pid) {
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const field = (name) => Number(rollup.match(new RegExp(`^${name}:\\s+(\\d+)`, 'm'))?.[1] ?? 0);
  return { rss: field('Rss'), pss: field('Pss'), anonymous: field('Anonymous') };
}

/** CPU seconds (user + system) the process has used so far. */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S;
}

export function childrenOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Host pids of processes whose command line starts with `prefix`, among the descendants of `rootPid`. */
export function findDescendant(rootPid, prefix) {
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.shift();
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      if (pid !== rootPid && cmdline.startsWith(prefix)) return pid;
    } catch {
      continue;
    }
    queue.push(...childrenOf(pid));
  }
  return null;
}

export function allPids() {
  return readdirSync('/proc').filter((e) => /^\d+$/.test(e)).map(Number);
}

/** Whether a TCP socket on this host (in this network namespace) listens on `port`: /proc/net/tcp{,6}, state 0A. */
export function listening(port) {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  return ['/proc/net/tcp', '/proc/net/tcp6'].some((file) => {
    try {
      return readFileSync(file, 'utf8').split('\n').some((line) => {
        const [, local, , state] = line.trim().split(/\s+/);
        return state === '0A' && local?.endsWith(`:${hex}`);
      });
    } catch {
      return false;
    }
  });
}
