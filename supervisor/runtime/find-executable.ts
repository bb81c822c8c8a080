import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The absolute path `program` resolves to on `searchPath`, or null: the check behind "tmux not found". */
export function findExecutable(program: string, searchPath: string): string | null {
  const candidates = program.includes('/') ? [program] : searchPath.split(delimiter).filter(Boolean).map((dir) => join(dir, program));
  for (const candidate of candidates) {
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; try the next directory
    }
  }
  return null;
}
