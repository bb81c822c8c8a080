import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseLogLines } from '../helpers/log-lines.js';
import { BUNDLE, FIXTURES, SupervisorProcess, freePort } from '../helpers/supervisor-process.js';
import { waitFor } from '../helpers/wait-for.js';

const fast = { AGENTGATE_BACKOFF_INITIAL_MS: '50', AGENTGATE_BACKOFF_JITTER: '0', AGENTGATE_CRASH_LOOP_RESTARTS: '1000' };
/** codex, gemini, opencode and copilot on PATH: one fixture linked under each name (the real CLIs are in the image). */
const withFakes = { PATH: `${join(FIXTURES, 'fake-agents')}:${FIXTURES}:/usr/local/bin:/usr/bin:/bin` };
let sup: SupervisorProcess | undefined;
afterEach(async () => {
  await sup?.cleanup();
  sup = undefined;
});
const lines = (s: SupervisorProcess, file: string) => s.readWorkspaceFile(file).split('\n').slice(0, -1);
const stateDir = (s: SupervisorProcess) => s.env.AGENTGATE_STATE_DIR as string;

describe.each([
  ['codex', 'resume --last', 'CODEX_HOME', 'codex'],
  ['gemini', '--resume latest', 'GEMINI_CLI_HOME', 'gemini'],
  ['opencode', '--continue', 'XDG_DATA_HOME', 'opencode/data'],
  ['copilot', '--continue', 'COPILOT_HOME', 'copilot'],
])('AGENTGATE_AGENT=%s', (agent, resumeArgs, stateVariable, stateSub) => {
  it('types the first prompt once its screen is still, never on its command line, even when it starts with "-"', async () => {
    const prompt = '-x fix the failing test';
    const s = await SupervisorProcess.start({ env: { ...fast, ...withFakes, AGENTGATE_AGENT: agent, AGENTGATE_PROMPT: prompt } });
    sup = s;
    await s.waitForLog('first prompt given', () => true, 30_000);
    for (const args of lines(s, '.agent-args')) expect(args).not.toContain(prompt);
    expect(s.output).not.toContain('fix the failing test');
  });

  it('starts fresh, resumes its latest conversation after a restart (fresh once when that fails at once), its state dir in the state volume', async () => {
    const s = await SupervisorProcess.start({ env: { ...fast, ...withFakes, AGENTGATE_AGENT: agent }, files: { '.crash': '' } });
    sup = s;
    // The fixture fails within 10 s of each start: a failed resume, so the next start is fresh, as Claude's.
    await waitFor(() => lines(s, '.agent-args').length >= 4, 'four starts');
    expect(lines(s, '.agent-args').slice(0, 4)).toEqual(['', resumeArgs, '', resumeArgs]);
    expect(s.logsOf('resume failed').length).toBeGreaterThanOrEqual(1);
    expect(lines(s, '.agent-env')[0]).toContain(`${stateVariable}=${join(stateDir(s), stateSub)} `.trimEnd());
    expect(s.logsOf('resuming the conversation')[0]).toMatchObject({ args: resumeArgs });
  });

  it('a re-created container resumes on its first start when the state volume holds a conversation; AGENTGATE_RESUME=false does not', async () => {
    const history = { codex: 'codex/sessions/2026', gemini: 'gemini/.gemini/tmp/ws/chats/session-1', opencode: 'opencode/data/opencode/storage/session/s1', copilot: 'copilot/session-state/s1' }[agent] as string;
    const s = await SupervisorProcess.start({ env: { ...withFakes, AGENTGATE_AGENT: agent } });
    sup = s;
    await waitFor(() => lines(s, '.agent-args').length >= 1, 'first start');
    expect(lines(s, '.agent-args')).toEqual(['']);
    await s.signal('SIGTERM');
    await s.exited;
    mkdirSync(join(stateDir(s), history), { recursive: true });
    if (agent === 'gemini') writeFileSync(join(stateDir(s), history, 'chat.json'), '{}');
    const again = await SupervisorProcess.start({ env: { ...withFakes, AGENTGATE_AGENT: agent, AGENTGATE_STATE_DIR: stateDir(s) } });
    const off = await SupervisorProcess.start({ env: { ...withFakes, AGENTGATE_AGENT: agent, AGENTGATE_STATE_DIR: stateDir(s), AGENTGATE_RESUME: 'false' } });
    try {
      await waitFor(() => lines(again, '.agent-args').length >= 1 && lines(off, '.agent-args').length >= 1, 'first starts');
      expect(lines(again, '.agent-args')).toEqual([resumeArgs]);
      expect(lines(off, '.agent-args')).toEqual(['']);
    } finally {
      await again.cleanup();
      await off.cleanup();
    }
  });

  it('exits 69 naming the build argument when the image lacks it', async () => {
    const s = await SupervisorProcess.start({ env: { AGENTGATE_AGENT: agent } });
    sup = s;
    expect((await s.exited).code).toBe(69);
    const error = s.logs.find((l) => l.level === 'error');
    expect(error).toMatchObject({ msg: 'start failed', hint: `build the image with --build-arg AGENTS=claude,${agent}` });
    expect(String(error?.error)).toMatch(new RegExp(`^agent "${agent}" is not installed in this image \\(PATH .*\\)$`));
  });
});

describe('login detection', () => {
  it('codex: says how to log in, and status clears once `codex login` writes auth.json in the state volume', async () => {
    const s = await SupervisorProcess.start({ env: { ...withFakes, AGENTGATE_AGENT: 'codex', OPENAI_API_KEY: 'sk-test-not-a-login' } });
    sup = s;
    const hint = await s.waitForLog('needs login');
    await s.waitForLog('agent started');
    expect(String(hint.hint)).toMatch(/^attach \(docker exec -it \S+ agentgate attach\) and choose "Sign in with Device Code".*codex login --with-api-key/);
    expect((await s.health()).body.needsLogin).toBe(true);
    writeFileSync(join(stateDir(s), 'codex', 'auth.json'), '{"auth_mode":"apikey"}');
    expect((await s.health()).body.needsLogin).toBe(false);
    expect(s.output).not.toContain('sk-test-not-a-login');
  });

  it('gemini: missing with a key alone (its auth dialog waits), present once the choice is kept in the state volume', async () => {
    const s = await SupervisorProcess.start({ env: { ...withFakes, AGENTGATE_AGENT: 'gemini', GEMINI_API_KEY: 'AIza-test-key' } });
    sup = s;
    const hint = await s.waitForLog('needs login');
    await s.waitForLog('agent started');
    expect(String(hint.hint)).toMatch(/and choose "Use Gemini API Key"/);
    expect((await s.health()).body.needsLogin).toBe(true);
    // What Gemini CLI's dialog writes when "Use Gemini API Key" is chosen.
    mkdirSync(join(stateDir(s), 'gemini', '.gemini'), { recursive: true });
    writeFileSync(join(stateDir(s), 'gemini', '.gemini', 'settings.json'), '{"security":{"auth":{"selectedType":"gemini-api-key"}}}');
    expect((await s.health()).body.needsLogin).toBe(false);
    expect(s.output).not.toContain('AIza-test-key');
  });

  it('copilot: a token counts; without one or a stored login it needs one, and a login stored later is seen', async () => {
    const s = await SupervisorProcess.start({ env: { ...withFakes, AGENTGATE_AGENT: 'copilot' } });
    sup = s;
    await s.waitForLog('agent started');
    expect((await s.health()).body.needsLogin).toBe(true);
    // As `/login` stores it with no keychain (test/unit/copilot-stored-login.test.ts has the file's other cases).
    const user = { host: 'https://github.com', login: 'someone' };
    mkdirSync(join(stateDir(s), 'copilot'), { recursive: true });
    writeFileSync(join(stateDir(s), 'copilot', 'config.json'), JSON.stringify({ authTokens: { 'https://github.com:someone': { token: 'gho_test' } }, loggedInUsers: [user], lastLoggedInUser: user }));
    expect((await s.health()).body.needsLogin).toBe(false);
    const token = await SupervisorProcess.start({ env: { ...withFakes, AGENTGATE_AGENT: 'copilot', COPILOT_GITHUB_TOKEN: 'github_pat_test' } });
    try {
      await token.waitForLog('agent started');
      expect((await token.health()).body.needsLogin).toBe(false);
    } finally {
      await token.cleanup();
    }
  });
});

describe('the egress proxy given AGENTGATE_AGENT', () => {
  let proxy: ChildProcess | undefined;
  afterEach(() => proxy?.kill('SIGKILL'));

  it.each([
    ['codex', 'Codex CLI'],
    ['gemini', 'Gemini CLI'],
  ])('%s: allows that agent\'s hosts by default', async (agent, name) => {
    let output = '';
    proxy = spawn(process.execPath, [BUNDLE, 'proxy'], {
      env: { PATH: process.env.PATH, AGENTGATE_AGENT: agent, AGENTGATE_PROXY_HOST: '127.0.0.1', AGENTGATE_PROXY_PORT: String(await freePort()), AGENTGATE_HEALTH_PORT: String(await freePort()), AGENTGATE_EGRESS_ALLOW_FILE: '/nonexistent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proxy.stdout?.on('data', (d) => (output += d));
    proxy.stderr?.on('data', (d) => (output += d));
    const listening = () => parseLogLines(output.split('\n')).find((l) => l.msg === 'proxy listening');
    await waitFor(() => listening() !== undefined, 'proxy listening', 10_000, () => output);
    expect(listening()?.sources).toEqual([`default (${name})`]);
  });
});
