import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const VERSION_ARGS = ['CODEX_VERSION', 'GEMINI_CLI_VERSION', 'OPENCODE_VERSION', 'COPILOT_VERSION'];

/** The version a global ARG of the Dockerfile pins. */
function pinned(arg: string): string {
  const defaults = [...read('docker/Dockerfile').matchAll(new RegExp(`^ARG ${arg}=(\\S+)$`, 'gm'))].map((m) => m[1] as string);
  expect(defaults, arg).toHaveLength(1);
  return defaults[0] as string;
}

// As Claude Code's (claude-code-version.test.ts): each agent's version is written once, in a global ARG of the
// Dockerfile, so that a bump is a one-line change that leaves no stale copy behind.
describe('the other agents, pinned once', () => {
  it('each version is the default of one global ARG; the stage that installs them takes it without a default', () => {
    const dockerfile = read('docker/Dockerfile');
    const firstFrom = dockerfile.indexOf('\nFROM ');
    for (const arg of VERSION_ARGS) {
      expect(pinned(arg)).toMatch(/^\d+\.\d+\.\d+$/);
      expect(dockerfile.indexOf(`ARG ${arg}=`)).toBeLessThan(firstFrom);
      expect(dockerfile.match(new RegExp(`^ARG ${arg}$`, 'gm')), arg).toHaveLength(1);
    }
  });

  it('the default image builds Claude Code alone', () => {
    expect(read('docker/Dockerfile')).toMatch(/^ARG AGENTS=claude$/m);
  });

  it('no version is written in another file of the repository', () => {
    const files = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
    for (const arg of VERSION_ARGS) {
      const version = pinned(arg);
      const holders = files.filter((f) => f !== 'docker/Dockerfile' && !f.endsWith('package-lock.json') && read(f).includes(version));
      expect(holders, `${arg}=${version}`).toEqual([]);
    }
  });

  it('a bake target builds every agent, outside the default group', () => {
    const bake = read('docker-bake.hcl');
    expect(bake).toMatch(/^variable "ALL_AGENTS" \{ default = "claude,codex,gemini,opencode,copilot" \}$/m);
    expect(bake).toMatch(/^target "agent-all" \{$/m);
    expect(bake).toMatch(/^group "default" \{ targets = \["agent"\] \}$/m);
  });
});
