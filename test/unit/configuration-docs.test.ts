import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONFIGURATION_DOC, describeAccepts, renderConfigurationDoc } from '../../scripts/gen-config-docs.js';
import { envSchema } from '../../supervisor/config/schema.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Every .ts file under a directory, recursively (the supervisor's layout is being reshaped: do not list folders). */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/**
 * Names that look like variables in the supervisor's source but are not read from the environment:
 * a misspelling shown as an example, and the two variables attach removes so that tmux attaches from inside tmux.
 */
const NOT_READ = new Set(['AGENTGATE_RESTRAT', 'TMUX', 'TMUX_PANE']);

describe('docs/configuration.md', () => {
  it('is what the schema and its table of meanings generate (run `make docs` after changing either)', () => {
    const written = readFileSync(join(ROOT, CONFIGURATION_DOC), 'utf8');
    expect(written, `${CONFIGURATION_DOC} is out of date: run make docs`).toBe(renderConfigurationDoc());
  });

  it('lists every variable of the schema, each once', () => {
    const written = readFileSync(join(ROOT, CONFIGURATION_DOC), 'utf8');
    const listed = [...written.matchAll(/^\| `AGENTGATE_([A-Z0-9_]+)`/gm)].map((m) => m[1] as string);
    expect(listed).toEqual(expect.arrayContaining(Object.keys(envSchema.shape)));
    // Each variable once: a second row would be a second, drifting description.
    expect(listed.length).toBe(new Set(listed).size);
  });

  it('documents every environment variable the supervisor reads', () => {
    const doc = renderConfigurationDoc();
    const read = new Set<string>();
    for (const file of sourceFiles(join(ROOT, 'supervisor'))) {
      const text = readFileSync(file, 'utf8');
      // env.NAME, someEnv.NAME, env['NAME'], and every AGENTGATE_* name the code spells out.
      for (const m of text.matchAll(/[eE]nv(?:\.([A-Za-z_][A-Za-z0-9_]*)|\[['"]([A-Za-z_][A-Za-z0-9_]*)['"]\])/g)) {
        const name = m[1] ?? m[2];
        if (name !== undefined && (name === name.toUpperCase() || name.endsWith('_proxy'))) read.add(name);
      }
      for (const m of text.matchAll(/\bAGENTGATE_[A-Z][A-Z0-9_]*[A-Z0-9]\b/g)) read.add(m[0]);
    }
    const undocumented = [...read].filter((name) => !NOT_READ.has(name) && !doc.includes(`\`${name}\``)).sort();
    expect(read.size).toBeGreaterThan(20);
    expect(undocumented).toEqual([]);
  });

  it('words what each variable accepts from the schema itself', () => {
    expect(describeAccepts(envSchema.shape.RESTART)).toBe('`always`, `on-failure`, `never`');
    expect(describeAccepts(envSchema.shape.BACKOFF_FACTOR)).toBe('decimal 1–10');
    expect(describeAccepts(envSchema.shape.STOP_TIMEOUT_MS)).toBe('integer 2000–3602000');
    expect(describeAccepts(envSchema.shape.RECORD)).toMatch(/^boolean/);
    expect(describeAccepts(envSchema.shape.WORKSPACE)).toBe('an absolute path, without leading or trailing spaces');
  });
});
