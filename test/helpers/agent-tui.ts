import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { exec, logEvents, readyz } from './containers.js';
import { waitFor } from './wait-for.js';

/** What the agent's pane shows now. */
export const screen = (container: string): string => exec(container, ['tmux', 'capture-pane', '-p', '-t', 'agent']).stdout;

/** The state changes the supervisor logged, as `state cause`. */
export const stateChanges = (container: string): string[] => logEvents(container, 'agent state').map((e) => `${e.state} ${e.cause}`);

/**
 * Types a line into the agent's TUI once its screen shows it, and presses Enter until `submitted` says the line
 * reached the mock (a key can come before the TUI takes keys; an Enter too many would send an empty line).
 */
export async function submitLine(container: string, text: string, submitted: () => boolean): Promise<void> {
  exec(container, ['tmux', 'send-keys', '-t', 'agent', '-l', text]);
  await waitFor(() => screen(container).includes(text), `"${text}" typed`, 10_000, () => screen(container));
  for (let enters = 0; !submitted(); enters += 1) {
    expect(enters, `"${text}" not submitted; the screen:\n${screen(container)}`).toBeLessThan(3);
    exec(container, ['tmux', 'send-keys', '-t', 'agent', 'Enter']);
    // A loaded CI machine was seen taking over 30 s for OpenCode's first request of a new session to reach the mock.
    await waitFor(submitted, `"${text}" at the mock`, 30_000).catch(() => undefined);
  }
}

/**
 * The mock model asks to run `touch /workspace/made-by-tool` when prompted with `prompt`: the request waits as a
 * pending decision (the agent in `permission`, nothing run), `answer(['approve'])` allows it, the command runs in
 * `ws`, and the turn ends (its first `waiting Stop`). `answer` runs `agentgate` in the container with its token.
 */
export async function approveTheToolCall(
  container: string,
  ws: string,
  submit: (container: string, text: string) => Promise<void>,
  answer: (container: string, args: string[]) => { stdout: string; stderr: string },
): Promise<void> {
  const seen = () => `${stateChanges(container)}\n${screen(container)}`;
  await submit(container, 'please run a command');
  await waitFor(() => (readyz(container).decisions ?? []).length === 1, 'a pending decision', 60_000, seen);
  const [decision] = readyz(container).decisions;
  expect(decision).toMatchObject({ tool: 'bash', summary: 'touch /workspace/made-by-tool' });
  expect(readyz(container).agentState.state).toBe('permission');
  expect(existsSync(join(ws, 'made-by-tool'))).toBe(false);
  const approved = answer(container, ['approve']);
  expect(approved.stdout, approved.stderr).toBe(`allowed ${decision.id} (bash)\n`);
  await waitFor(() => existsSync(join(ws, 'made-by-tool')), 'the approved command run', 30_000, () => screen(container));
  await waitFor(() => stateChanges(container).filter((c) => c === 'waiting Stop').length === 1, 'the turn ended', 60_000, seen);
  expect(logEvents(container, 'decision closed')).toMatchObject([{ id: decision.id, outcome: 'allow', by: 'container cli' }]);
}
