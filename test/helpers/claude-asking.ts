import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import { CLAUDE_TEST_KEY, preparedClaudeState } from './claude-state.js';
import type { TestContainers } from './containers.js';
import { HARDENING, TEST_IMAGE, docker } from './docker.js';
import type { MockAnthropic } from './mock-anthropic.js';
import { freePort } from './supervisor-process.js';

/**
 * The real claude in the image, against the test's mock API (host network, loopback only), asked for a tool
 * call in Claude's default mode, so that the call needs a person: its PermissionRequest becomes a pending
 * decision. The container holds only the answer token's hash; its label holds the token, as `agentgate up` makes it.
 */
export async function runClaudeAsking(made: TestContainers, mock: MockAnthropic, token: string, label: string): Promise<string> {
  const ws = made.workspace();
  const state = preparedClaudeState({ permissions: { defaultMode: 'default' } });
  made.track(state);
  const container = made.name(label);
  const hostNet = HARDENING.filter((f, i, all) => f !== '--network' && all[i - 1] !== '--network');
  const r = docker([
    'run', '-d', '--name', container, ...hostNet, '--network', 'host', '--label', `agentgate.answer-token=${token}`,
    '-v', `${ws}:/workspace`, '-v', `${state}:/home/agentgate/.claude`,
    '-e', `ANTHROPIC_API_KEY=${CLAUDE_TEST_KEY}`, '-e', `ANTHROPIC_BASE_URL=http://127.0.0.1:${mock.port}`,
    '-e', `AGENTGATE_HEALTH_PORT=${await freePort()}`,
    '-e', `AGENTGATE_ANSWER_TOKEN_SHA256=${createHash('sha256').update(token).digest('hex')}`,
    '-e', 'AGENTGATE_PROMPT=please run the tool', TEST_IMAGE,
  ]);
  expect(r.status, r.stderr).toBe(0);
  return container;
}

/** The tool results the model received so far, in the mock's requests. */
export function toolResults(mock: MockAnthropic): unknown[] {
  return mock.requests
    .flatMap((r) => (Array.isArray(r.body.messages) ? r.body.messages : []))
    .flatMap((m: any) => (Array.isArray(m?.content) ? m.content : []))
    .filter((c: any) => c?.type === 'tool_result');
}
