import { describe, expect, it } from 'vitest';
import { DecisionBook, MAX_PENDING_DECISIONS, describeClose } from '../../supervisor/features/decisions/decision-book.js';
import { parseAnswer } from '../../supervisor/features/decisions/answer-route.js';
import { claudeDecision } from '../../supervisor/agents/claude/decision-reply.js';
import { summarizeToolInput, toolCallKey, toolOf } from '../../supervisor/features/decisions/tool-summary.js';
import { checkPrompt } from '../../supervisor/features/prompts/prompt-text.js';

const pending = (id: string, askedAtMs = 0) => ({ id, tool: 'Bash', summary: 'ls', askedAtMs, expiresAtMs: askedAtMs + 1000 });

describe('DecisionBook', () => {
  it('settles once: the first answer wins, later ones learn who answered', () => {
    const book = new DecisionBook();
    const settled: unknown[] = [];
    book.ask(pending('a1', 100), 'k', (closed, answer) => settled.push({ closed, answer }));
    const first = book.answer('a1', { behavior: 'deny', message: 'no', by: 'phone' }, 2100);
    expect(first).toEqual({ ok: true, closed: { id: 'a1', tool: 'Bash', outcome: 'deny', by: 'phone', waitedMs: 2000, hasMessage: true } });
    expect(book.answer('a1', { behavior: 'allow', by: 'api' }, 3000)).toEqual({ ok: false, status: 409, error: 'decision a1 already closed: already answered by phone (deny) after 2 s' });
    expect(book.close('a1', 'expired', 'expiry', 4000)).toBeNull();
    expect(settled).toHaveLength(1);
    expect(book.answer('zz', { behavior: 'allow', by: 'api' }, 0)).toMatchObject({ ok: false, status: 404 });
  });

  it('holds at most MAX_PENDING_DECISIONS; closing by key, and all at once', () => {
    const book = new DecisionBook();
    for (let i = 0; i < MAX_PENDING_DECISIONS; i++) expect(book.ask(pending(`p${i}`), `k${i % 2}`, () => {})).toBe(true);
    expect(book.ask(pending('over'), 'k', () => {})).toBe(false);
    book.closeMatching('k1', 'at the terminal', 'terminal', 5);
    expect(book.list()).toHaveLength(MAX_PENDING_DECISIONS - 1);
    expect(book.list().map((d) => d.id)).not.toContain('p1');
    book.closeAll('agent exited', 'supervisor', 5);
    expect(book.list()).toEqual([]);
  });

  it('says how a decision closed', () => {
    expect(describeClose({ id: 'a', tool: 'Bash', outcome: 'expired', by: 'expiry', waitedMs: 300_000, hasMessage: false })).toBe("expired after 300 s: the terminal's dialog decides");
    expect(describeClose({ id: 'a', tool: 'Bash', outcome: 'at the terminal', by: 'hook ended', waitedMs: 1000, hasMessage: false })).toBe('answered at the terminal (hook ended) after 1 s');
  });
});

describe('tool summaries', () => {
  const scrub = (text: string) => text.split('sk-secret-value').join('[redacted]');
  it('shows the telling field, scrubbed before it is cut, on one line', () => {
    expect(summarizeToolInput({ command: 'curl -H "x: sk-secret-value"\nhttps://x' }, scrub)).toBe('curl -H "x: [redacted]" https://x');
    expect(summarizeToolInput({ file_path: '/workspace/a.ts', old_string: 'x' }, scrub)).toBe('/workspace/a.ts');
    expect(summarizeToolInput({ a: 1 }, scrub)).toBe('{"a":1}');
    expect(summarizeToolInput(undefined, scrub)).toBe('');
    const long = summarizeToolInput({ command: `${'x'.repeat(195)}sk-secret-value` }, scrub);
    expect(long).toHaveLength(200);
    expect(long).not.toContain('sk-secret');
  });

  it('keys a tool call by name and input', () => {
    expect(toolCallKey({ tool_name: 'Bash', tool_input: { command: 'ls' } })).toBe(toolCallKey({ tool_name: 'Bash', tool_input: { command: 'ls' }, other: 1 }));
    expect(toolCallKey({ tool_name: 'Bash', tool_input: { command: 'ls' } })).not.toBe(toolCallKey({ tool_name: 'Bash', tool_input: { command: 'ls -a' } }));
  });

  it("reads Copilot CLI's camelCase permissionRequest body (toolName, toolInput) as the same call", () => {
    expect(toolOf({ toolName: 'bash', toolInput: { command: 'ls' } })).toEqual({ name: 'bash', input: { command: 'ls' } });
    expect(toolCallKey({ toolName: 'bash', toolInput: { command: 'ls' } })).toBe(toolCallKey({ tool_name: 'bash', tool_input: { command: 'ls' } }));
  });
});

describe('answers and prompts as the API takes them', () => {
  it('parses an answer, refusing what is not one', () => {
    expect(parseAnswer('{"behavior":"allow"}')).toEqual({ behavior: 'allow', by: 'api' });
    expect(parseAnswer('{"behavior":"deny","message":"no\\nthanks","by":"host cli"}')).toEqual({ behavior: 'deny', message: 'no\nthanks', by: 'host cli' });
    expect(parseAnswer('{"behavior":"yes"}')).toBe('behavior "yes": expected "allow" or "deny"');
    expect(parseAnswer('{"behavior":"deny","message":"\\u001b[2J"}')).toContain('control characters');
    expect(parseAnswer(`{"behavior":"deny","message":"${'m'.repeat(2001)}"}`)).toContain('at most 2000');
    expect(parseAnswer('{"behavior":"allow","by":"Robert\'); DROP"}')).toContain('a short label');
    expect(parseAnswer('nope')).toContain('not JSON');
  });

  it("gives Claude its decision JSON", () => {
    expect(claudeDecision({ behavior: 'allow', by: 'api' })).toEqual({ hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'allow' } } });
    expect(claudeDecision({ behavior: 'deny', by: 'host cli' })).toEqual({ hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'deny', message: 'denied by host cli' } } });
  });

  it('checks a prompt: text as given, control characters refused with where', () => {
    expect(checkPrompt('{"text":"a\\n\\tb"}')).toEqual({ text: 'a\n\tb', by: 'api' });
    expect(checkPrompt('{"text":"a\\u0003"}')).toBe('text: control character U+0003 at 1 refused (newlines and tabs are fine)');
    expect(checkPrompt('{"text":"a\\u009b"}')).toContain('U+009b');
    expect(checkPrompt('{"text":""}')).toContain('not empty');
  });
});
