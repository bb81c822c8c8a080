import { describe, expect, it } from 'vitest';
import { execCommand } from '../../supervisor/runtime/exec-hint.js';
import { parseInvocation } from '../../supervisor/commands/invocation.js';
import { isSecretName, scrubSecrets, secretValues } from '../../supervisor/config/secret-names.js';
import { UsageError } from '../../supervisor/errors.js';
import { createLogger } from '../../supervisor/log/logger.js';
import { formatPrettyLine } from '../../supervisor/log/pretty-line.js';
import { formatErrorForPeople, formatFatalLine } from '../../supervisor/log/people-error.js';

describe('parseInvocation', () => {
  it('maps arguments to modes and subcommands', () => {
    expect(parseInvocation([])).toEqual({ kind: 'run' });
    expect(parseInvocation(['python3', 'x.py'])).toEqual({ kind: 'command', argv: ['python3', 'x.py'] });
    expect(parseInvocation(['--', 'health'])).toEqual({ kind: 'command', argv: ['health'] });
    expect(parseInvocation(['health'])).toEqual({ kind: 'health', json: false, live: false });
    expect(parseInvocation(['health', '--json'])).toEqual({ kind: 'health', json: true, live: false });
    expect(parseInvocation(['health', '--live'])).toEqual({ kind: 'health', json: false, live: true });
    expect(parseInvocation(['status'])).toEqual({ kind: 'status' });
    expect(parseInvocation(['--version'])).toEqual({ kind: 'version' });
    expect(parseInvocation(['version'])).toEqual({ kind: 'version' });
    expect(parseInvocation(['help'])).toEqual({ kind: 'help' });
    expect(parseInvocation(['attach'])).toEqual({ kind: 'attach', readOnly: false });
    expect(parseInvocation(['attach', '--read-only'])).toEqual({ kind: 'attach', readOnly: true });
    expect(parseInvocation(['--', 'attach'])).toEqual({ kind: 'command', argv: ['attach'] });
  });

  it('rejects unknown subcommand flags with the usage', () => {
    expect(() => parseInvocation(['health', '--yaml'])).toThrow(UsageError);
    expect(() => parseInvocation(['health', '--yaml'])).toThrow(/unknown argument "--yaml"; expected --json/);
  });
});

describe('secrets', () => {
  it('recognises secret names', () => {
    for (const name of ['ANTHROPIC_API_KEY', 'CLAUDE_CODE_OAUTH_TOKEN', 'DB_PASSWORD', 'MY_SECRET']) expect(isSecretName(name)).toBe(true);
    expect(isSecretName('HOME')).toBe(false);
  });

  it('never lets a secret value reach a log line, whatever field holds it', () => {
    const lines: string[] = [];
    const secrets = secretValues({ ANTHROPIC_API_KEY: 'sk-ant-very-secret', HOME: '/home/x' });
    const log = createLogger({ level: 'info', format: 'json', secrets, write: (l) => lines.push(l) });
    log.info({ command: 'agent --key sk-ant-very-secret' }, 'agent started sk-ant-very-secret');
    expect(lines.join('')).not.toContain('sk-ant-very-secret');
    expect(JSON.parse(lines[0] as string)).toMatchObject({ msg: 'agent started [redacted]', command: 'agent --key [redacted]' });
  });

  it('scrubs every occurrence', () => {
    expect(scrubSecrets('a s3cr3t b s3cr3t', ['s3cr3t'])).toBe('a [redacted] b [redacted]');
  });
});

describe('formatPrettyLine', () => {
  it('prints time, level, component, event and fields', () => {
    const line = formatPrettyLine('{"level":"info","time":"2026-01-02T03:04:05.678Z","component":"supervisor","msg":"agent exited","pid":7,"code":1}\n');
    expect(line).toBe('03:04:05 info  supervisor agent exited pid=7 code=1\n');
  });
});

describe('last-resort and people-facing errors', () => {
  it('scrubs secrets from a crash stack written by the last-resort handler', () => {
    const secrets = secretValues({ ANTHROPIC_API_KEY: 'sk-ant-crash-secret' });
    const error = new Error('request failed with header x-api-key: sk-ant-crash-secret');
    const line = formatFatalLine('uncaughtException', error, secrets);
    expect(line).not.toContain('sk-ant-crash-secret');
    expect(JSON.parse(line)).toMatchObject({ level: 'fatal', msg: 'internal error', event: 'uncaughtException' });
    expect(JSON.parse(line).err).toContain('[redacted]');
  });

  it('prints errors for people as lines of text, not JSON', () => {
    const text = formatErrorForPeople('invalid configuration:\n  - AGENTGATE_RESTART="x": expected one of', []);
    expect(text).toBe('agentgate: invalid configuration:\n  - AGENTGATE_RESTART="x": expected one of\n');
  });
});

describe('execCommand', () => {
  it('says kubectl exec in a Kubernetes pod and docker exec elsewhere', () => {
    expect(execCommand({}, 'box', 'agentgate attach')).toBe('docker exec -it box agentgate attach');
    expect(execCommand({ KUBERNETES_SERVICE_HOST: '10.0.0.1' }, 'team-main-0', 'agentgate attach')).toBe('kubectl exec -it team-main-0 -- agentgate attach');
  });
});
