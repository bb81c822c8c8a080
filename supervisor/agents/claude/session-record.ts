import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SESSION_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** The Claude session the agent last reported (SessionStart hook), kept in the state dir for resuming it. */
export class SessionRecord {
  private readonly path: string;

  constructor(stateDir: string) {
    this.path = join(stateDir, '.agentgate-session');
  }

  read(): string | null {
    try {
      const id = readFileSync(this.path, 'utf8').trim();
      return SESSION_ID.test(id) ? id : null;
    } catch {
      return null;
    }
  }

  /** Keeps a well-formed id; returns false for one that is not (it never reaches a command line). */
  write(id: unknown): boolean {
    if (typeof id !== 'string' || !SESSION_ID.test(id)) return false;
    try {
      writeFileSync(this.path, `${id}\n`, { mode: 0o600 });
      return true;
    } catch {
      return false;
    }
  }
}
