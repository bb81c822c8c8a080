import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where the running supervisor says how to reach it: `<runtimeDir>/health-url` holds the base URL of its
 * health server. The HEALTHCHECK, `agentgate health` and `agentgate attach` read it, so they find this
 * container's supervisor even when it had to move off a busy port (host networking).
 */
export function healthUrlPath(runtimeDir: string): string {
  return join(runtimeDir, 'health-url');
}

/** Writes the file atomically (a reader never sees half a URL); returns an error code instead of throwing. */
export function writeHealthUrl(runtimeDir: string, url: string): string | null {
  try {
    mkdirSync(runtimeDir, { recursive: true, mode: 0o755 });
    const path = healthUrlPath(runtimeDir);
    writeFileSync(`${path}.${process.pid}`, `${url}\n`, { mode: 0o644 });
    renameSync(`${path}.${process.pid}`, path);
    return null;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? String(error);
  }
}

export function readHealthUrl(runtimeDir: string): string | null {
  try {
    const url = readFileSync(healthUrlPath(runtimeDir), 'utf8').trim();
    return /^http:\/\/[^\s/]+$/.test(url) ? url : null;
  } catch {
    return null;
  }
}
