import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// The first character is a letter or digit: an id starting with "-" would be read as an option.
const SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/** An id that may follow `--resume` on a command line: word characters only. */
export function isSessionId(id: unknown): id is string {
  return typeof id === 'string' && SESSION_ID.test(id);
}

/** The Claude session the agent last reported (SessionStart hook), kept in the state dir for resuming it. */
export class SessionRecord {
  private readonly path: string;

  constructor(stateDir: string) {
    this.path = join(stateDir, '.agentgate-session');
  }

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
