import { afterEach, describe, expect, it } from 'vitest';
import { SupervisorProcess } from '../helpers/supervisor-process.js';
import { waitFor } from '../helpers/wait-for.js';

// The image's entry fixes glibc's malloc thresholds for node (docker/agentgate.sh) and marks that it did: the
// supervisor keeps the setting to itself. The agent prints its environment (agent-print-secret.sh runs `env`).
let sup: SupervisorProcess | undefined;
afterEach(async () => {
  await sup?.cleanup();
  sup = undefined;
});

async function agentEnvironment(env: Record<string, string>): Promise<string> {
  const s = (sup = await SupervisorProcess.start({ env: { AGENTGATE_AGENT: 'agent-print-secret.sh', ...env } }));
  let screen = '';
  await waitFor(() => {
    screen = s.tmux(['capture-pane', '-p', '-J', '-S', '-500', '-t', 'agent']).stdout;
    return screen.includes('done printing');
  }, 'the agent printed its environment', 15_000);
  return screen;
}

describe("the entry's malloc setting", () => {
  it('does not reach the agent when the entry set it', async () => {
    const screen = await agentEnvironment({ MALLOC_MMAP_THRESHOLD_: '131072', AGENTGATE_ENTRY_MALLOC: '1' });
    expect(screen).toContain('AGENTGATE_WORKSPACE=');
    expect(screen).not.toContain('MALLOC_MMAP_THRESHOLD_');
    expect(screen).not.toContain('AGENTGATE_ENTRY_MALLOC');
    // Taken out before the configuration is read: not an unknown AGENTGATE_ variable.
    expect(sup!.logs.some((line) => JSON.stringify(line).includes('AGENTGATE_ENTRY_MALLOC'))).toBe(false);
  });

  it("leaves a user's own value to the agent", async () => {
    const screen = await agentEnvironment({ MALLOC_MMAP_THRESHOLD_: '65536' });
    expect(screen).toContain('MALLOC_MMAP_THRESHOLD_=65536');
  });
});
