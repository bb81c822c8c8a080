import { spawnSync } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { requireEngine } from '../helpers/containers.js';
import { TEST_IMAGE } from '../helpers/docker.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const engine = requireEngine();
const project = `agentgate-readme-${process.pid}`;

/** The README's compose lines "without the host command", as written there, on this machine's project name. */
function readmeComposeLines(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = /Without the host command[^\n]*\n+```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  return block.split('\n').filter((l) => /^(export COMPOSE_FILE=|.*docker compose .* up )/.test(l)).map((l) => l.replaceAll('agentgate-myproject', project));
}

function bash(script: string, env: NodeJS.ProcessEnv) {
  const r = spawnSync('bash', ['-euc', script], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 240_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe.skipIf(!engine)("the README's compose commands on this engine (issue 18, first-week failure 5: engines before 25)", () => {
  const home = mkdtempSync(join(tmpdir(), 'agentgate-readme-home-'));
  const env = { HOME: home, AGENTGATE_IMAGE: TEST_IMAGE, AGENTGATE_AGENT: 'sleep 1000000', COMPOSE_FILE: undefined };
  afterAll(() => {
    bash(`docker compose -p ${project} down -v --remove-orphans`, { ...env, COMPOSE_FILE: 'compose/compose.yaml' });
  });

  it('start the agent healthy as they are written, whatever the engine\'s version', () => {
    const dir = join(home, 'code', 'myproject');
    mkdirSync(dir, { recursive: true });
    chownSync(dir, 1000, 1000);
    const lines = readmeComposeLines();
    expect(lines.filter((l) => l.includes(' up '))).toHaveLength(1);
    const up = bash(lines.join('\n'), env);
    expect(up.code, up.out).toBe(0);
    const exports = lines.filter((l) => l.startsWith('export '));
    const status = bash([...exports, `docker compose -p ${project} exec -T agent agentgate status`].join('\n'), env);
    expect(status.code, status.out).toBe(0);
  });
});
