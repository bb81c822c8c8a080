import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../supervisor/config/load-config.js';
import { ConfigError } from '../../supervisor/errors.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(78);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('resumes Claude by default however it is named, and nothing else unless asked', () => {
    expect(loadConfig({}).resume).toBe(true);
    expect(loadConfig({ AGENTGATE_AGENT: 'claude --model opus' }).resume).toBe(true);
    expect(loadConfig({ AGENTGATE_AGENT: 'bash' }).resume).toBe(false);
    expect(loadConfig({ AGENTGATE_AGENT: 'claude', AGENTGATE_RESUME: 'false' }).resume).toBe(false);
  });

  it('gives the documented defaults for an empty environment', () => {
    const c = loadConfig({});
    expect(c.agent).toEqual({ kind: 'agent', commandLine: 'claude', program: 'claude' });
    expect(c.workspace).toEqual({ path: '/workspace', strict: false });
    expect(c.sessionName).toBe('agent');
    expect(c.restart).toEqual({
      policy: 'always',
      backoff: { initialMs: 1000, maxMs: 60_000, factor: 2, jitter: 0.2 },
      stableRunMs: 60_000,
      crashLoopRestarts: 5,
      crashLoopWindowMs: 300_000,
    });
    expect(c.stopGraceMs).toBe(8000);
    expect(c.onStartError).toBe('exit');
    expect(c.stopGraceMs).toBeLessThan(10_000); // below Docker's default stop timeout
    expect(c.health).toEqual({ host: '127.0.0.1', port: 7433 });
    expect(c.log).toEqual({ level: 'info', format: 'json' });
  });

  it('reads every variable', () => {
    const c = loadConfig({
      AGENTGATE_AGENT: '/opt/bot --fast',
      AGENTGATE_AGENT_ARGS: '--model x',
      AGENTGATE_WORKSPACE: '/src',
      AGENTGATE_WORKSPACE_STRICT: 'true',
      AGENTGATE_SESSION: 'bot_1',
      AGENTGATE_RESTART: 'on-failure',
      AGENTGATE_BACKOFF_INITIAL_MS: '10',
      AGENTGATE_BACKOFF_MAX_MS: '20',
      AGENTGATE_BACKOFF_FACTOR: '1.5',
      AGENTGATE_BACKOFF_JITTER: '0',
      AGENTGATE_STABLE_RUN_MS: '5',
      AGENTGATE_CRASH_LOOP_RESTARTS: '3',
      AGENTGATE_CRASH_LOOP_WINDOW_MS: '2000',
      AGENTGATE_STOP_GRACE_MS: '100',
      AGENTGATE_HEALTH_HOST: '0.0.0.0',
      AGENTGATE_HEALTH_PORT: '9000',
      AGENTGATE_LOG_LEVEL: 'debug',
      AGENTGATE_LOG_FORMAT: 'pretty',
      AGENTGATE_GIT_NAME: 'Ada',
      AGENTGATE_GIT_EMAIL: 'ada@example.com',
    });
    expect(c.agent).toEqual({ kind: 'agent', commandLine: '/opt/bot --fast --model x', program: '/opt/bot' });
    expect(c.workspace).toEqual({ path: '/src', strict: true });
    expect(c.sessionName).toBe('bot_1');
    expect(c.restart.policy).toBe('on-failure');
    expect(c.restart.backoff).toEqual({ initialMs: 10, maxMs: 20, factor: 1.5, jitter: 0 });
    expect([c.restart.stableRunMs, c.restart.crashLoopRestarts, c.restart.crashLoopWindowMs]).toEqual([5, 3, 2000]);
    expect(c.stopGraceMs).toBe(100);
    expect(c.health).toEqual({ host: '0.0.0.0', port: 9000 });
    expect(c.log).toEqual({ level: 'debug', format: 'pretty' });
    expect(c.git).toEqual({ name: 'Ada', email: 'ada@example.com' });
  });

  it('reads "false" as false, not as a truthy string', () => {
    expect(loadConfig({ AGENTGATE_WORKSPACE_STRICT: 'false' }).workspace.strict).toBe(false);
    expect(loadConfig({ AGENTGATE_WORKSPACE_STRICT: '0' }).workspace.strict).toBe(false);
    expect(loadConfig({ AGENTGATE_WORKSPACE_STRICT: 'yes' }).workspace.strict).toBe(true);
  });

  it('treats AGENTGATE_AGENT=none as keep-alive mode', () => {
    expect(loadConfig({ AGENTGATE_AGENT: 'none' }).agent.kind).toBe('none');
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ AGENTGATE_SESSION: '' }).sessionName).toBe('agent');
  });

  it('reports every bad value at once, with name, value and expectation', () => {
    const problems = problemsOf({
      AGENTGATE_RESTART: 'sometimes',
      AGENTGATE_BACKOFF_FACTOR: 'fast',
      AGENTGATE_HEALTH_PORT: '70000',
      AGENTGATE_WORKSPACE_STRICT: 'maybe',
      AGENTGATE_STOP_GRACE_MS: '1.5',
      AGENTGATE_WORKSPACE: 'relative/path',
      AGENTGATE_SESSION: 'a:b',
      AGENTGATE_LOG_FORMAT: 'xml',
      AGENTGATE_BACKOFF_INITIAL_MS: '5000',
      AGENTGATE_BACKOFF_MAX_MS: '100',
    });
    expect(problems).toHaveLength(9);
    expect(problems).toContain('AGENTGATE_RESTART="sometimes": expected one of "always", "on-failure", "never"');
    expect(problems).toContain('AGENTGATE_BACKOFF_FACTOR="fast": expected a decimal number such as 1.5');
    expect(problems).toContain('AGENTGATE_HEALTH_PORT="70000": expected a number <= 65535');
    expect(problems).toContain('AGENTGATE_WORKSPACE_STRICT="maybe": expected a boolean (true/false, 1/0, yes/no, on/off)');
    expect(problems).toContain('AGENTGATE_STOP_GRACE_MS="1.5": expected an integer (decimal digits only)');
    expect(problems).toContain('AGENTGATE_WORKSPACE="relative/path": expected an absolute path, without leading or trailing spaces');
    expect(problems.find((p) => p.startsWith('AGENTGATE_SESSION="a:b"'))).toMatch(/tmux reserves/);
    expect(problems).toContain('AGENTGATE_LOG_FORMAT="xml": expected one of "json", "pretty"');
    expect(problems).toContain('AGENTGATE_BACKOFF_MAX_MS="100": expected a number >= AGENTGATE_BACKOFF_INITIAL_MS');
  });

  it('rejects negative and zero values where they make no sense', () => {
    expect(problemsOf({ AGENTGATE_CRASH_LOOP_RESTARTS: '0' })).toEqual(['AGENTGATE_CRASH_LOOP_RESTARTS="0": expected a number >= 1']);
    expect(problemsOf({ AGENTGATE_BACKOFF_JITTER: '1.5' })).toEqual(['AGENTGATE_BACKOFF_JITTER="1.5": expected a number <= 1']);
    expect(problemsOf({ AGENTGATE_HEALTH_PORT: '-1' })).toEqual(['AGENTGATE_HEALTH_PORT="-1": expected an integer (decimal digits only)']);
    expect(problemsOf({ AGENTGATE_HEALTH_PORT: '0' })).toEqual(['AGENTGATE_HEALTH_PORT="0": expected a number >= 1']);
  });

  it('takes decimal digits only for integers: no hex, exponents, binary, octal or blanks', () => {
    for (const value of ['0x10', '1e3', '0b101', '0o17', ' ', '  12', '12 ', '+5', '1_000']) {
      expect(problemsOf({ AGENTGATE_BACKOFF_INITIAL_MS: value })).toEqual([`AGENTGATE_BACKOFF_INITIAL_MS=${JSON.stringify(value)}: expected an integer (decimal digits only)`]);
    }
    expect(problemsOf({ AGENTGATE_HEALTH_PORT: '1e3' })).toEqual(['AGENTGATE_HEALTH_PORT="1e3": expected an integer (decimal digits only)']);
    expect(problemsOf({ AGENTGATE_BACKOFF_FACTOR: '0x2' })).toEqual(['AGENTGATE_BACKOFF_FACTOR="0x2": expected a decimal number such as 1.5']);
  });

  it('gives one line naming the right variable for a value beyond 2^53', () => {
    expect(problemsOf({ AGENTGATE_BACKOFF_MAX_MS: '9007199254740993' })).toEqual(['AGENTGATE_BACKOFF_MAX_MS="9007199254740993": expected a number <= 3600000']);
  });

  it('blames only the variables the user set: a first delay beyond its own range is one line, not also the unset cap', () => {
    expect(problemsOf({ AGENTGATE_BACKOFF_INITIAL_MS: '99999999999999999999' })).toEqual(['AGENTGATE_BACKOFF_INITIAL_MS="99999999999999999999": expected a number <= 3600000']);
    expect(problemsOf({ AGENTGATE_BACKOFF_INITIAL_MS: '120000' })).toEqual(['AGENTGATE_BACKOFF_INITIAL_MS="120000": expected a number <= AGENTGATE_BACKOFF_MAX_MS (unset: 60000)']);
    expect(problemsOf({ AGENTGATE_BACKOFF_INITIAL_MS: '120000', AGENTGATE_BACKOFF_MAX_MS: 'x' })).toEqual(['AGENTGATE_BACKOFF_MAX_MS="x": expected an integer (decimal digits only)']);
    expect(problemsOf({ AGENTGATE_BACKOFF_MAX_MS: '500' })).toEqual(['AGENTGATE_BACKOFF_MAX_MS="500": expected a number >= AGENTGATE_BACKOFF_INITIAL_MS']);
  });

  it('refuses blank values and invisible surrounding spaces, saying what was expected', () => {
    expect(problemsOf({ AGENTGATE_AGENT: '   ' })).toEqual(['AGENTGATE_AGENT="   ": expected "claude", "none" or a command line (it is blank)']);
    expect(problemsOf({ AGENTGATE_HEALTH_HOST: ' ' })).toEqual(['AGENTGATE_HEALTH_HOST=" ": expected a host name or IP address, without spaces']);
    expect(problemsOf({ AGENTGATE_STATE_DIR: '/state ' })).toEqual(['AGENTGATE_STATE_DIR="/state ": expected an absolute path, without leading or trailing spaces']);
  });

  it('refuses a relative project dir, which compose would resolve from compose/', () => {
    expect(problemsOf({ AGENTGATE_PROJECT_DIR: '.' })[0]).toMatch(/^AGENTGATE_PROJECT_DIR=".": expected an absolute host path .* use "\$PWD"/);
    expect(loadConfig({ AGENTGATE_PROJECT_DIR: '/home/ada/code' }).projectDir).toBe('/home/ada/code');
  });

  it('derives one stop budget: the grace plus the cleanup, within the stop timeout', () => {
    expect(loadConfig({})).toMatchObject({ stopGraceMs: 8000, stopBudgetMs: 10_000 });
    expect(loadConfig({ AGENTGATE_STOP_TIMEOUT_MS: '30000' })).toMatchObject({ stopGraceMs: 28_000, stopBudgetMs: 30_000 });
    expect(loadConfig({ AGENTGATE_STOP_GRACE_MS: '3600000' })).toMatchObject({ stopGraceMs: 3_600_000, stopBudgetMs: 3_602_000 });
    expect(loadConfig({ AGENTGATE_STOP_GRACE_MS: '1000', AGENTGATE_STOP_TIMEOUT_MS: '5000' })).toMatchObject({ stopGraceMs: 1000, stopBudgetMs: 3000 });
    expect(problemsOf({ AGENTGATE_STOP_GRACE_MS: '9000', AGENTGATE_STOP_TIMEOUT_MS: '10000' })).toEqual([
      'AGENTGATE_STOP_GRACE_MS="9000": expected at most AGENTGATE_STOP_TIMEOUT_MS - 2000 (8000): the stop needs 2000 ms after the grace',
    ]);
  });

  it('warns about a misspelled AGENTGATE_ variable, naming the closest known one', () => {
    expect(loadConfig({ AGENTGATE_RESTRAT: 'never', AGENTGATE_UID: '501' }).warnings).toEqual([
      { msg: 'unknown variable', fields: { name: 'AGENTGATE_RESTRAT', hint: 'did you mean AGENTGATE_RESTART?' } },
    ]);
    expect(loadConfig({ AGENTGATE_ZZZZZZZZZZZZZ: '1' }).warnings).toEqual([
      { msg: 'unknown variable', fields: { name: 'AGENTGATE_ZZZZZZZZZZZZZ', hint: 'docs/configuration.md lists every variable' } },
    ]);
  });
});
