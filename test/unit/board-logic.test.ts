import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { AgentRecord, BOARD_MAX_DECISIONS } from '../../cli/board/board-agent.js';
import { BoardAuth } from '../../cli/board/board-auth.js';
import { SSE_MAX_EVENT_BYTES, SseParser } from '../../cli/board/sse-parser.js';
import type { AgentContainer } from '../../cli/engine/agents.js';
import { evaluateHealth } from '../../supervisor/contract/health-report.js';
import { runningSnapshot } from '../helpers/health-snapshot.js';

describe('SseParser', () => {
  it('reads events split anywhere, with comments, CRLF, unnamed and multi-line data', () => {
    const parser = new SseParser();
    const text = ': keep-alive\r\n\r\nid: 1\nevent: state\ndata: {"state":"waiting"}\n\ndata: one\ndata: two\n\n';
    const events = [...text].flatMap((c) => parser.push(c));
    expect(events).toEqual([
      { event: 'state', data: '{"state":"waiting"}' },
      { event: 'message', data: 'one\ntwo' },
    ]);
  });

  it('refuses an event that never ends instead of buffering it without end', () => {
    const parser = new SseParser();
    expect(() => parser.push(`data: ${'x'.repeat(SSE_MAX_EVENT_BYTES)}`)).toThrow(/over/);
  });
});

describe('BoardAuth', () => {
  const request = (headers: Record<string, string>, method = 'GET') => ({ headers, method }) as unknown as IncomingMessage;

  it('takes the token as cookie or bearer; refuses none, a wrong one, a foreign Host on loopback, and a POST from another origin', () => {
    const auth = new BoardAuth(true);
    const host = '127.0.0.1:7480';
    expect(auth.refusal(request({ host, cookie: `x=1; agentgate-board=${auth.token}` }))).toBeNull();
    expect(auth.refusal(request({ host, authorization: `Bearer ${auth.token}` }))).toBeNull();
    expect(auth.refusal(request({ host }))?.status).toBe(401);
    expect(auth.refusal(request({ host, cookie: 'agentgate-board=guess' }))?.status).toBe(401);
    expect(auth.refusal(request({ host: 'rebound.example:7480', cookie: `agentgate-board=${auth.token}` }))?.status).toBe(403);
    expect(auth.refusal(request({ host, cookie: `agentgate-board=${auth.token}`, origin: 'http://evil.example' }, 'POST'))?.status).toBe(403);
    expect(auth.refusal(request({ host, cookie: `agentgate-board=${auth.token}`, origin: `http://${host}` }, 'POST'))).toBeNull();
    expect(auth.setCookie()).toMatch(/HttpOnly; SameSite=Strict/);
    expect(new BoardAuth(true).token).not.toBe(auth.token);
  });

  it('published with --host, any Host is accepted (the token still is not)', () => {
    const auth = new BoardAuth(false);
    expect(auth.refusal(request({ host: 'board.lan:7480', cookie: `agentgate-board=${auth.token}` }))).toBeNull();
    expect(auth.refusal(request({ host: 'board.lan:7480' }))?.status).toBe(401);
  });
});

describe('AgentRecord', () => {
  const container = { id: 'c1', name: 'a', container: 'agentgate-a', kind: 'agentgate', running: true, dockerState: 'Up', health: 'healthy', workspace: '/w', stateVolume: null, attach: 'agentgate attach a', agent: 'claude', createdAtMs: 0 } satisfies AgentContainer;

  it('applies events at once: state, decisions pending and closed, OOM kills; a new report replaces them', () => {
    const record = new AgentRecord(container, true);
    record.setReport(evaluateHealth(runningSnapshot(), Date.now()));
    expect(record.apply('state', { state: 'permission', at: new Date().toISOString() })).toBe(true);
    expect(record.apply('decision pending', { id: 'ab', tool: 'Bash', summary: 'ls', askedAtMs: 1, expiresAtMs: 2 })).toBe(true);
    expect(record.view()).toMatchObject({ state: 'needs-permission', decisions: [{ id: 'ab', tool: 'Bash' }] });
    expect(record.apply('decision closed', { id: 'ab' })).toBe(true);
    expect(record.apply('oom kill', { total: 3 })).toBe(true);
    expect(record.view()).toMatchObject({ decisions: [], oomKills: 3 });
    expect(record.apply('agent started', {})).toBe(false);
  });

  it("shows the agent's egress asks from its report and its events, beside its decisions", () => {
    const record = new AgentRecord(container, true);
    const ask = { id: 'e1', host: 'example.org', port: 443, method: 'CONNECT', path: null, agent: null, client: '10.0.0.2', askedAtMs: 5, expiresAtMs: 6 };
    record.setReport({ ...evaluateHealth(runningSnapshot(), Date.now()), pendingEgressAsks: [ask] });
    expect(record.view().egressAsks).toEqual([ask]);
    expect(record.apply('egress ask pending', { ...ask, id: 'e2', askedAtMs: 7, at: new Date().toISOString() })).toBe(true);
    expect(record.view().egressAsks.map((a) => a.id)).toEqual(['e1', 'e2']);
    expect(record.view().egressAsks[1]).not.toHaveProperty('at');
    expect(record.apply('egress ask closed', { id: 'e1', outcome: 'once' })).toBe(true);
    expect(record.view().egressAsks.map((a) => a.id)).toEqual(['e2']);
  });

  it('a storm of pending decisions shows the oldest few and counts the rest', () => {
    const record = new AgentRecord(container, true);
    record.setReport(evaluateHealth(runningSnapshot(), Date.now()));
    for (let i = 0; i < 1000; i++) record.apply('decision pending', { id: i.toString(16), tool: 'Bash', summary: `${i}`, askedAtMs: i, expiresAtMs: i + 1 });
    const view = record.view();
    expect(view.decisions).toHaveLength(BOARD_MAX_DECISIONS);
    expect(view.decisions[0]?.summary).toBe('0');
    expect(view.moreDecisions).toBe(1000 - BOARD_MAX_DECISIONS);
  });

  it('a stopped agent shows as stopped, with no memory and no reachability complaint', () => {
    const record = new AgentRecord({ ...container, running: false }, false);
    record.memoryBytes = 5;
    record.unreachable = 'x';
    expect(record.view()).toMatchObject({ state: 'stopped', memoryBytes: null, unreachable: null, answerable: false });
  });
});
