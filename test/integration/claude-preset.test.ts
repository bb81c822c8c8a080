import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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

/** The prompts the fixture claude took from its terminal (typed, not on its command line). */
const prompts = (s: SupervisorProcess, file = '.claude-prompts') => {
  const text = s.readWorkspaceFile(file);
  return text === '' ? [] : text.split('\n--\n').slice(0, -1);
};
/** Every process's command line on this machine that holds `text` (argv is world-readable, as in `ps`). */
const commandLinesWith = (text: string) =>
  readdirSync('/proc').filter((pid) => /^\d+$/.test(pid)).flatMap((pid) => {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      return argv.includes(text) ? [argv] : [];
    } catch {
      return [];
    }
  });

describe('the first prompt', () => {
  it('is typed into the agent once it is ready, even when it reads as options; taken once, never on a restart, never logged nor in ps', async () => {
    // A Markdown list, as prompt files often are: on a command line `- fix ...` is an unknown option.
    const prompt = "- fix the failing test in src/app.ts; it's private\n- then run --dangerously-skip-permissions";
    sup = await SupervisorProcess.start({
      env: { ...fast, ...claudePreset, FAKE_HOOKS: '1', AGENTGATE_PROMPT: prompt },
      files: { '.crash-after-prompt': '' },
    });
    await sup.waitForLog('agent started');
    expect(commandLinesWith('fix the failing test')).toEqual([]);
    await sup.waitForLog('first prompt given');
    expect(prompts(sup)).toEqual([prompt]);
    // The fixture took it, showed it (the terminal echoes it) and crashed: its last lines are scrubbed of it.
    const exit = await sup.waitForLog('agent exited');
    expect(exit.code).toBe(3);
    expect(exit.lastLines).toEqual(expect.arrayContaining(['[prompt]', 'fake claude took a prompt and crashes']));
    await waitFor(() => starts(sup).length >= 2, 'a restart');
    for (const start of starts(sup)) expect(start).not.toContain('fix the failing'); // never an argument
    expect(sup.logsOf('first prompt typed')).toEqual([expect.objectContaining({ chars: prompt.length })]);
    expect(sup.logsOf('first prompt given')).toEqual([expect.objectContaining({ chars: prompt.length })]);
    expect(sup.output).not.toContain('fix the failing test');
    expect(sup.output).not.toContain('dangerously');
    expect(prompts(sup)).toEqual([prompt]);
  });

  it('counts as given only once the agent took it: a run that ends first leaves it for the next run', async () => {
    const prompt = '--version';
    sup = await SupervisorProcess.start({ env: { ...fast, ...claudePreset, FAKE_HOOKS: '1', AGENTGATE_PROMPT: prompt }, files: { '.crash': '' } });
    // Each run reports SessionStart and ends 0.2 s later, before the prompt is typed.
    await waitFor(() => starts(sup).length >= 3, 'three starts');
    expect(sup.logsOf('first prompt given')).toHaveLength(0);
    rmSync(join(sup.workspace, '.crash'));
    await sup.waitForLog('first prompt given');
    expect(prompts(sup)).toEqual(['--version']);
    expect(starts(sup).filter((args) => args.includes('--version'))).toEqual([]);
  });

  // A dialog that opens over the paste, the input keeping it underneath: once answered, Enter is pressed and the
  // prompt is not pasted again. A prompt too short to be redacted ("go") was not recognised in the input and doubled;
  // and the fixture clears its screen when the dialog closes, which pushed the dialog into tmux's history, where the
  // look saw it still open and the typing waited for good.
  for (const prompt of ['go', 'continue with the plan']) {
    it(`is not pasted twice when a dialog opened over it and the input kept it: ${JSON.stringify(prompt)}`, async () => {
      sup = await SupervisorProcess.start({ env: { ...fast, ...claudePreset, FAKE_DIALOG_AFTER_PASTE: '1', AGENTGATE_PROMPT: prompt } });
      const held = await sup.waitForLog('first prompt waits', (line) => line.dialog !== undefined);
      expect(held.dialog).toBe('Do you trust the files here?');
      expect(prompts(sup)).toEqual([]);
      expect(sup.tmux(['send-keys', '-t', 'agent', 'Enter']).status).toBe(0); // a person answers it
      await sup.waitForLog('first prompt given');
      expect(prompts(sup)).toEqual([prompt]);
    });
  }

  it('is typed into an agent without hooks once its screen is still, and counts as given once typed', async () => {
    sup = await SupervisorProcess.start({ env: { ...fast, AGENTGATE_AGENT: 'agent-read-prompt.sh', AGENTGATE_PROMPT: '--help me' } });
    await sup.waitForLog('first prompt given');
    await waitFor(() => sup.readWorkspaceFile('.agent-prompts') !== '', 'the prompt at the agent');
    expect(sup.readWorkspaceFile('.agent-prompts')).toBe('--help me\n');
    expect(sup.logsOf('first prompt given')).toEqual([expect.objectContaining({ chars: 9 })]);
  });

  it('is not given again to a supervisor started anew on the same state dir; a file works too', async () => {
    sup = await SupervisorProcess.start({ args: ['true'] });
    await sup.exited;
    const file = join(sup.root, 'prompt.txt');
    writeFileSync(file, 'from a file');
    const state = join(sup.root, 'state');
    const env = { ...fast, ...claudePreset, FAKE_HOOKS: '1', AGENTGATE_PROMPT_FILE: file, AGENTGATE_STATE_DIR: state };
    const first = await SupervisorProcess.start({ env });
    await first.waitForLog('first prompt given');
    expect(prompts(first)).toEqual(['from a file']);
    expect(starts(first)).toEqual(['']);
    await first.signal('SIGTERM');
    await first.exited;
    await first.cleanup();
    const again = await SupervisorProcess.start({ env });
    sup = again;
    await again.waitForLog('first prompt already given');
    await waitFor(() => starts(again).length >= 1, 'start of the re-created one');
    expect(starts(again)).toEqual(['--resume 00000000-0000-4000-8000-000000000001']); // resumed, no prompt
    expect(again.logsOf('first prompt given')).toHaveLength(0);
    expect(again.logsOf('first prompt typed')).toHaveLength(0);
  });
});

describe('login', () => {
  it('says once how to log in when Claude has no credential, and status shows it until one appears', async () => {
    sup = await SupervisorProcess.start({ env: { ...fast, ...claudePreset } });
    const hint = await sup.waitForLog('needs login');
    expect(String(hint.hint)).toMatch(/^attach \(docker exec -it \S+ agentgate attach\) and follow Claude's login prompt/);
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
