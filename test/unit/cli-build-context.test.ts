import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contextFiles } from '../../cli/engine/image.js';

const ROOT = join(import.meta.dirname, '..', '..');

describe('the build context agentgate up sends to build the image', () => {
  it('holds the Dockerfile and every file the Dockerfile copies from the context', () => {
    const files = contextFiles(ROOT);
    const dockerfile = readFileSync(join(ROOT, 'docker/Dockerfile'), 'utf8');
    // COPY lines that take from the context (not --from another stage): every source but the last word.
    const sources = dockerfile
      .split('\n')
      .filter((line) => /^COPY\s/.test(line) && !line.includes('--from'))
      .flatMap((line) => line.trim().split(/\s+/).slice(1, -1))
      .map((source) => source.replace(/\/$/, '').replace(/^\.\//, ''));
    expect(sources.length).toBeGreaterThan(10);
    expect(files).toContain('docker/Dockerfile');
    for (const source of sources) expect(files.some((f) => f === source || f.startsWith(`${source}/`)), source).toBe(true);
    expect(files).toContain('scripts/build.mjs');
    expect(files).toContain('supervisor/main.ts');
  });

  it("keeps what .dockerignore keeps, as Docker reads it: files let through inside an excluded folder, and nothing else", () => {
    const root = mkdtempSync(join(tmpdir(), 'agentgate-context-'));
    const put = (path: string) => {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), path);
    };
    for (const path of ['docker/Dockerfile', 'docker/payload.txt', 'docker/other.txt', 'src/a.txt', 'src/sub/b.txt', 'secret.txt', 'node_modules/x/index.js', 'notes.md']) put(path);
    writeFileSync(join(root, '.dockerignore'), '*\n!docker/Dockerfile\n!docker/payload.txt\n!src/\n!*.md\nsrc/sub/\n');
    expect(contextFiles(root).sort()).toEqual(['docker/Dockerfile', 'docker/payload.txt', 'notes.md', 'src/a.txt']);
  });
});
