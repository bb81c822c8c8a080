import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { claudeCodeVersion } from '../helpers/claude-code-version.js';

const ROOT = join(import.meta.dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

// One place sets the Claude Code version: the Dockerfile's global ARG. The others read it or pass it only when
// the user overrides it, so a version bump is a one-line change that cannot leave a stale copy behind.
describe('the Claude Code version, written once', () => {
  it('is the default of one global ARG in the Dockerfile; its stages take it without a default of their own', () => {
    const version = claudeCodeVersion();
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    const dockerfile = read('docker/Dockerfile');
    expect(dockerfile.indexOf(`ARG CLAUDE_CODE_VERSION=${version}`)).toBeLessThan(dockerfile.indexOf('\nFROM '));
    expect(dockerfile.match(/^ARG CLAUDE_CODE_VERSION$/gm)).toHaveLength(2);
  });

  it('is written in no other file of the repository', () => {
    const version = claudeCodeVersion();
    const files = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
    // Lock files list other packages' versions, which may equal it by chance.
    const holders = files.filter((f) => f !== 'docker/Dockerfile' && !f.endsWith('package-lock.json') && read(f).includes(version));
    expect(holders).toEqual([]);
  });

  it('reaches make (image and release builds) from the Dockerfile; compose and bake pass it only when set', () => {
    const version = claudeCodeVersion();
    const makeN = (target: string) => execFileSync('make', ['-n', target, 'IMAGE=agentgate/agent:dry-run'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CLAUDE_CODE_VERSION: '' }, stdio: ['ignore', 'pipe', 'ignore'] });
    expect(makeN('image')).toContain(`--build-arg CLAUDE_CODE_VERSION=${version} `);
    expect(makeN('release-plan')).toContain(`CLAUDE_CODE_VERSION=${version} `);
    const compose = parse(read('compose/compose.yaml'));
    expect(compose.services.agent.build.args).toHaveProperty('CLAUDE_CODE_VERSION', null);
    expect(read('docker-bake.hcl')).toMatch(/^variable "CLAUDE_CODE_VERSION" \{ default = null \}$/m);
  });
});
