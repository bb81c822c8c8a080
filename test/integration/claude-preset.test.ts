import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { BUNDLE, FIXTURES, SupervisorProcess } from '../helpers/supervisor-process.js';
import { waitFor } from '../helpers/wait-for.js';

const fast = { AGENTGATE_BACKOFF_INITIAL_MS: '50', AGENTGATE_BACKOFF_JITTER: '0', AGENTGATE_CRASH_LOOP_RESTARTS: '1000' };
/** The claude preset, with a fixture standing in for the binary (the real one is in the container tests). */
const claudePreset = { PATH: `${join(FIXTURES, 'fake-claude')}:${FIXTURES}:/usr/local/bin:/usr/bin:/bin` };
let sup: SupervisorProcess;
afterEach(async () => {
  await sup?.cleanup();
});
const starts = (s: SupervisorProcess) => s.readWorkspaceFile('.claude-args').split('\n').slice(0, -1);

describe('the first prompt', () => {
  it('is given on the first start only, never on a restart, and never logged', async () => {
    const prompt = "Fix the failing test in src/app.ts; it's private";
    sup = await SupervisorProcess.start({ env: { ...fast, ...claudePreset, AGENTGATE_PROMPT: prompt }, files: { '.crash': '' } });
    await waitFor(() => starts(sup).length >= 3, 'three starts');
    expect(starts(sup)[0]).toBe(prompt);
    for (const later of starts(sup).slice(1)) expect(later).not.toContain(prompt); // restarts may resume, never re-prompt
    expect(sup.logsOf('first prompt given')).toEqual([expect.objectContaining({ chars: prompt.length })]);
    expect(sup.output).not.toContain('Fix the failing test');
  });

  it('is not given again to a supervisor started anew on the same state dir; a file works too', async () => {
    sup = await SupervisorProcess.start({ args: ['true'] });
    await sup.exited;
    const file = join(sup.root, 'prompt.txt');
    writeFileSync(file, 'from a file');
    const state = join(sup.root, 'state');
    const env = { ...fast, ...claudePreset, AGENTGATE_PROMPT_FILE: file, AGENTGATE_STATE_DIR: state };
    const first = await SupervisorProcess.start({ env });
    await waitFor(() => starts(first).length >= 1, 'first start');
    expect(starts(first)).toEqual(['from a file']);
    await first.signal('SIGTERM');
    await first.exited;
    await first.cleanup();
    const again = await SupervisorProcess.start({ env });
    sup = again;
    await waitFor(() => starts(again).length >= 1, 'start of the re-created one');
    expect(starts(again)).toEqual(['']);
    expect(again.logsOf('first prompt given')).toHaveLength(0);
  });
});

describe('login', () => {
  it('says once how to log in when Claude has no credential, and status shows it until one appears', async () => {
    sup = await SupervisorProcess.start({ env: { ...fast, ...claudePreset } });
    const hint = await sup.waitForLog('needs login');
    expect(String(hint.how)).toMatch(/^attach \(docker exec -it \S+ agentgate attach\) and follow Claude's login prompt/);
    expect((await sup.health()).body.needsLogin).toBe(true);
    const status = () => spawnSync(process.execPath, [BUNDLE, 'status'], { env: sup.env, encoding: 'utf8' }).stdout;
    expect(status()).toContain('needs login: Claude has no credential');
    // A login done in the session writes the credentials file into the state dir.
    writeFileSync(join(sup.env.AGENTGATE_STATE_DIR as string, '.credentials.json'), '{"claudeAiOauth":{}}');
    expect((await sup.health()).body.needsLogin).toBe(false);
    expect(status()).not.toContain('needs login');
    expect(sup.logsOf('needs login')).toHaveLength(1);
  });

  it('says nothing about login when an API key is set', async () => {
    sup = await SupervisorProcess.start({ env: { ...fast, ...claudePreset, ANTHROPIC_API_KEY: 'sk-ant-test-key' } });
    await sup.waitForLog('agent started');
    expect(sup.logsOf('needs login')).toHaveLength(0);
    expect((await sup.health()).body.needsLogin).toBe(false);
  });
});
