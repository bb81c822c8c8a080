import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SseParser } from '../../cli/board/sse-parser.js';
import { SupervisorProcess } from '../helpers/supervisor-process.js';
import { waitFor } from '../helpers/wait-for.js';

// The screen route the board's live view reads: the pane as tmux has it, with colours, for the answer token only,
// secrets scrubbed, and followed as server-sent events while someone watches.
const TOKEN = 'answer-token-for-the-screen-test-0123456789';
let sup: SupervisorProcess;
afterEach(async () => {
  await sup?.cleanup();
});

const start = (env: Record<string, string>) =>
  SupervisorProcess.start({ env: { AGENTGATE_ANSWER_TOKEN_SHA256: createHash('sha256').update(TOKEN).digest('hex'), ...env } });

async function screen(s: SupervisorProcess, authorization = `Bearer ${TOKEN}`) {
  const res = await fetch(`http://127.0.0.1:${s.healthPort}/screen`, { headers: { authorization } });
  return { status: res.status, body: (await res.json()) as any };
}

function capturePane(s: SupervisorProcess, escapes: boolean): string {
  return s.tmux(['capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', 'agent']).stdout.replace(/\n$/, '');
}

describe('GET /screen', () => {
  it('is the pane as capture-pane -e has it, with its size and cursor; only the answer token reads it', async () => {
    const s = (sup = await start({ AGENTGATE_AGENT: 'agent-prompt.sh', AGENTGATE_IDLE_MS: '1000' }));
    await waitFor(async () => (await s.health()).body.agentState?.state === 'idle', 'the agent idle', 15_000);
    const shown = await screen(s);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ cols: expect.any(Number), rows: expect.any(Number), cursor: { x: expect.any(Number), y: expect.any(Number) } });
    expect(shown.body.text).toBe(capturePane(s, true));
    expect(shown.body.text).toContain('ready for a prompt');
    expect(await screen(s, '')).toMatchObject({ status: 403 });
    expect(await screen(s, 'Bearer not-the-answer-token-at-all')).toMatchObject({ status: 403 });
  });

  it('without an answer token configured the screen is off, and says how to turn it on', async () => {
    const s = (sup = await SupervisorProcess.start({ env: { AGENTGATE_AGENT: 'agent-idle.sh' } }));
    await waitFor(async () => (await s.health()).body.phase === 'running', 'the agent running', 15_000);
    const shown = await screen(s);
    expect(shown.status).toBe(403);
    expect(shown.body.error).toContain('AGENTGATE_ANSWER_TOKEN_SHA256');
  });

  it('scrubs secrets the agent printed', async () => {
    const secret = 'sk-ant-screen-test-0123456789abcdefghij';
    const s = (sup = await start({ AGENTGATE_AGENT: 'agent-print-secret.sh', ANTHROPIC_API_KEY: secret }));
    await waitFor(() => capturePane(s, false).includes('done printing'), 'the agent to print its key', 15_000);
    expect(capturePane(s, false)).toContain(secret);
    const shown = await screen(s);
    expect(shown.status).toBe(200);
    expect(shown.body.text).toContain('done printing');
    expect(shown.body.text).not.toContain(secret);
    expect(shown.body.text).not.toContain(secret.slice(12));
  });

  it('?follow=1 streams the screen at once and again when the pane changes', async () => {
    const s = (sup = await start({ AGENTGATE_AGENT: 'agent-prompt.sh', AGENTGATE_IDLE_MS: '1000' }));
    await waitFor(async () => (await s.health()).body.agentState?.state === 'idle', 'the agent idle', 15_000);
    const controller = new AbortController();
    const res = await fetch(`http://127.0.0.1:${s.healthPort}/screen?follow=1`, { headers: { authorization: `Bearer ${TOKEN}` }, signal: controller.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const screens: string[] = [];
    const parser = new SseParser();
    const reading = (async () => {
      const decoder = new TextDecoder();
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        for (const event of parser.push(decoder.decode(chunk, { stream: true }))) if (event.event === 'screen') screens.push(JSON.parse(event.data).text);
      }
    })().catch(() => undefined);
    await waitFor(() => screens.length >= 1, 'the first screen');
    expect(screens[0]).toContain('ready for a prompt');
    writeFileSync(join(s.workspace, '.busy'), '');
    await waitFor(() => screens.some((t) => t.includes('working ')), 'a screen with the new output', 10_000);
    controller.abort();
    await reading;
  });
});
