import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Claude's own session ids are UUIDs (crypto.randomUUID()). Only that form is kept or passed on: the id comes
 * from a hook body, which the agent can forge, and `claude --resume <id>` must never receive an option.
 */
const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isSessionId(id: unknown): id is string {
  return typeof id === 'string' && SESSION_ID.test(id);
}

/** The Claude session the agent last reported (SessionStart hook), kept in the state dir for resuming it. */
export class SessionRecord {
  private readonly path: string;

  constructor(stateDir: string) {
    this.path = join(stateDir, '.agentgate-session');
  }

  /** The recorded id; null when there is none or when what is on disk is not an id (an older, looser record). */
  read(): string | null {
    try {
      const id = readFileSync(this.path, 'utf8').trim();
      return isSessionId(id) ? id : null;
    } catch {
      return null;
    }
  }

  /** Keeps a well-formed id; returns false for one that is not (it never reaches a command line). */
  write(id: unknown): boolean {
    if (!isSessionId(id)) return false;
    try {
      writeFileSync(this.path, `${id}\n`, { mode: 0o600 });
      return true;
    } catch {
      return false;
    }
  }
}
