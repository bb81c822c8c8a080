import { expect } from 'vitest';
import { exec, logEvents } from './containers.js';
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
    await waitFor(submitted, `"${text}" at the mock`, 10_000).catch(() => undefined);
  }
}
