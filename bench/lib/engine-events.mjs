// Waiting for containers by the engine's own events, not by polling. `docker inspect` every 10 ms costs a CLI
// start each time (tens of ms of CPU): ten pollers at once took the CPU the ten starts they timed needed, and
// they polled our containers longer (until healthy) than the floor's (until running). Here both wait the same
// way, and each time is the engine's own timestamp of the event.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * Follows the engine's container events from `sinceMs` (replayed when earlier, so nothing is missed before the
 * stream connects). `at(name, status)` resolves with the event's time (ms since the epoch): `start`, `die`,
 * `health_status: healthy`, ...
 */
export function engineEvents(sinceMs = Date.now()) {
  const child = spawn('docker', ['events', '--since', (sinceMs / 1000).toFixed(3), '--filter', 'type=container', '--format', '{{json .}}'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const seen = new Map();
  const waiting = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    let event;
    try {
      event = JSON.parse(line);
    } catch {
      return;
    }
    const key = `${event.Actor?.Attributes?.name} ${event.status ?? event.Action}`;
    const atMs = Number(event.timeNano) / 1e6;
    if (!seen.has(key)) seen.set(key, atMs);
    for (const w of waiting.filter((x) => x.key === key)) {
      waiting.splice(waiting.indexOf(w), 1);
      clearTimeout(w.timer);
      w.resolve(atMs);
    }
  });
  return {
    at(name, status, timeoutMs = 60_000) {
      const key = `${name} ${status}`;
      if (seen.has(key)) return Promise.resolve(seen.get(key));
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`bench: no "${status}" event for ${name} within ${timeoutMs} ms`)), timeoutMs);
        waiting.push({ key, resolve, timer });
      });
    },
    close() {
      child.kill();
    },
  };
}
