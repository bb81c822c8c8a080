import { describe, expect, it } from 'vitest';
import type { ClosedEgressAsk, PendingEgressAsk } from '../../supervisor/contract/proxy-report.js';
import { AskBook, MAX_AGENT_GRANTS, MAX_PENDING_ASKS, allows } from '../../supervisor/features/egress/ask-book.js';
import { parseAskAnswer } from '../../supervisor/features/egress/ask-route.js';

const ask = (id: string, over: Partial<PendingEgressAsk> = {}): PendingEgressAsk => ({
  id, host: 'docs.example', port: 443, method: 'CONNECT', path: null, agent: 'a', askedAtMs: 1000, expiresAtMs: 61_000, ...over,
});

describe('AskBook', () => {
  it('holds at most MAX_PENDING_ASKS; one more is refused', () => {
    const book = new AskBook();
    for (let i = 0; i < MAX_PENDING_ASKS; i++) expect(book.hold(ask(i.toString(16)), () => {})).toBe(true);
    expect(book.hold(ask('fff'), () => {})).toBe(false);
    expect(book.size).toBe(MAX_PENDING_ASKS);
  });

  it('settles once: the first close wins, a later answer gets 409 saying who, an unknown id 404', () => {
    const book = new AskBook();
    const settled: ClosedEgressAsk[] = [];
    book.hold(ask('a1'), (c) => settled.push(c));
    expect(book.answer('a1', 'once', 'api', 4000)).toMatchObject({ ok: true, closed: { outcome: 'once', by: 'api', waitedMs: 3000 } });
    expect(book.close('a1', 'expired', 'expiry', 5000)).toBeNull();
    expect(book.answer('a1', 'deny', 'api', 5000)).toMatchObject({ ok: false, status: 409, error: expect.stringContaining('once by api') });
    expect(book.answer('b2', 'deny', 'api', 5000)).toMatchObject({ ok: false, status: 404 });
    expect(settled).toHaveLength(1);
    expect(book.list()).toEqual([]);
  });

  it('"agent" grants that agent the host and port only; "once" grants nothing; an unnamed agent gets no grant', () => {
    const book = new AskBook();
    book.hold(ask('a1'), () => {});
    book.answer('a1', 'agent', 'api', 2000);
    expect(book.granted('a', 'DOCS.example', 443)).toBe(true);
    expect(book.granted('b', 'docs.example', 443)).toBe(false);
    expect(book.granted('a', 'docs.example', 80)).toBe(false);
    book.hold(ask('a2', { host: 'other.example' }), () => {});
    book.answer('a2', 'once', 'api', 2000);
    expect(book.granted('a', 'other.example', 443)).toBe(false);
    book.hold(ask('a3', { agent: null, host: 'x.example' }), () => {});
    book.answer('a3', 'agent', 'api', 2000);
    expect(book.granted(null, 'x.example', 443)).toBe(false);
  });

  it('"always" lets every request waiting for that host and port through; "agent" only that agent\'s; "once" only the one', () => {
    const book = new AskBook();
    const outcomes = new Map<string, string>();
    const hold = (id: string, over: Partial<PendingEgressAsk>) => book.hold(ask(id, over), (c) => outcomes.set(c.id, c.outcome));
    hold('1', {});
    hold('2', {});
    hold('3', { agent: 'b' });
    hold('4', { port: 80 });
    book.answer('1', 'once', 'api', 2000);
    expect([...outcomes]).toEqual([['1', 'once']]);
    hold('7', {});
    book.answer('2', 'agent', 'api', 2000);
    expect(outcomes.get('7')).toBe('agent');
    expect(outcomes.get('3')).toBeUndefined();
    hold('5', {});
    hold('6', { agent: 'b' });
    book.answer('3', 'always', 'api', 2000);
    expect(Object.fromEntries(outcomes)).toEqual({ 1: 'once', 2: 'agent', 3: 'always', 5: 'always', 6: 'always', 7: 'agent' });
    expect(book.list().map((a) => a.id)).toEqual(['4']);
  });

  it('forgets the oldest grant beyond MAX_AGENT_GRANTS', () => {
    const book = new AskBook();
    for (let i = 0; i <= MAX_AGENT_GRANTS; i++) {
      book.hold(ask(i.toString(16), { host: `h${i}.example` }), () => {});
      book.answer(i.toString(16), 'agent', 'api', 2000);
    }
    expect(book.granted('a', 'h0.example', 443)).toBe(false);
    expect(book.granted('a', `h${MAX_AGENT_GRANTS}.example`, 443)).toBe(true);
  });

  it('lets through once, agent and always only', () => {
    expect(['once', 'agent', 'always', 'deny', 'expired', 'gone', 'proxy stopped'].filter((o) => allows(o as never))).toEqual(['once', 'agent', 'always']);
  });
});

describe('parseAskAnswer', () => {
  it('takes the four answers and a short label', () => {
    expect(parseAskAnswer('{"answer":"always","by":"container cli"}')).toEqual({ answer: 'always', by: 'container cli' });
    expect(parseAskAnswer('{"answer":"once"}')).toEqual({ answer: 'once', by: 'api' });
  });
  it('refuses anything else, saying what it expected', () => {
    expect(parseAskAnswer('{"answer":"allow"}')).toMatch(/expected "once", "agent", "always" or "deny"/);
    expect(parseAskAnswer('{"answer":"deny","by":"Evil\\nname"}')).toMatch(/short label/);
    expect(parseAskAnswer('nope')).toMatch(/not JSON/);
  });
});
