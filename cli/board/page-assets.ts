import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from '../errors.js';

export interface Asset {
  type: string;
  body: Buffer;
}

/**
 * The page and what it loads, read once from the clone this command was installed from (as `up` builds the
 * image from it): the board's own files and xterm.js, the terminal emulator that shows an agent's screen.
 */
export function loadPageAssets(repoRoot: string): Record<string, Asset> {
  const files: Record<string, [string, string]> = {
    '/': ['cli/board/page/index.html', 'text/html; charset=utf-8'],
    '/board.js': ['cli/board/page/board.js', 'text/javascript; charset=utf-8'],
    '/board.css': ['cli/board/page/board.css', 'text/css; charset=utf-8'],
    '/xterm.js': ['node_modules/@xterm/xterm/lib/xterm.js', 'text/javascript; charset=utf-8'],
    '/xterm.css': ['node_modules/@xterm/xterm/css/xterm.css', 'text/css; charset=utf-8'],
  };
  const assets: Record<string, Asset> = {};
  for (const [path, [file, type]] of Object.entries(files)) {
    try {
      assets[path] = { type, body: readFileSync(join(repoRoot, file)) };
    } catch (error) {
      throw new CliError(`the board's page is incomplete: ${join(repoRoot, file)}: ${(error as NodeJS.ErrnoException).code}`, 1, `install the command's dependencies in its clone: cd ${repoRoot} && npm ci`);
    }
  }
  return assets;
}
