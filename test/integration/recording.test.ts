import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { replay } from '../helpers/asciicast.js';
import { SupervisorProcess } from '../helpers/supervisor-process.js';
import { waitFor } from '../helpers/wait-for.js';

const fast = { AGENTGATE_BACKOFF_INITIAL_MS: '100', AGENTGATE_BACKOFF_JITTER: '0', AGENTGATE_CRASH_LOOP_RESTARTS: '1000' };
let sup: SupervisorProcess;
afterEach(async () => {
  await sup?.cleanup();
});

const recordings = (s: SupervisorProcess) => {
  const dir = join(s.env.AGENTGATE_STATE_DIR as string, 'agentgate-recordings');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.cast'))
    .sort()
    .map((f) => join(dir, f));
};

describe('recordings (AGENTGATE_RECORD)', () => {
  it('records each run as asciicast v2, and a replay across a restart ends on the agent\'s final screen', async () => {
    sup = await SupervisorProcess.start({ env: { ...fast, AGENTGATE_AGENT: 'agent-screen.sh', AGENTGATE_RECORD: 'true', ANTHROPIC_API_KEY: 'sk-ant-recording-secret' } });
    await waitFor(() => sup.logsOf('recording started').length >= 2, 'two runs recorded');
    await waitFor(() => sup.tmux(['capture-pane', '-p', '-t', 'agent']).stdout.includes('top+3'), 'the second run drew its screen');
    const live = sup.tmux(['capture-pane', '-p', '-t', 'agent']).stdout.split('\n').map((l) => l.trimEnd());
    while (live.length > 0 && live[live.length - 1] === '') live.pop();
    const files = recordings(sup);
    expect(files).toHaveLength(2);
    const second = await waitFor(async () => {
      const r = await replay(files[1] as string);
      return r.screen.join('\n') === live.join('\n') ? r : undefined;
    }, 'the replay to match the live screen', 10_000, () => `live:\n${live.join('\n')}`);
    expect(second.screen[0]).toBe('run 1 of agent-screen');
    expect(second.screen[3]).toBe('top+3');
    expect(second.screen[9]).toBe('                   at row ten');
    expect((await replay(files[0] as string)).screen[0]).toBe('run 0 of agent-screen');
    // The header says the size and time, never the environment.
    expect(Object.keys(second.header).sort()).toEqual(['env', 'height', 'timestamp', 'title', 'version', 'width']);
    expect(second.header).toMatchObject({ version: 2, width: 200, height: 50, env: { TERM: 'tmux-256color' } });
    expect(readFileSync(files[1] as string, 'utf8')).not.toContain('sk-ant-recording-secret');
  });

  it('records a resize of the pane while the agent draws', async () => {
    sup = await SupervisorProcess.start({ env: { ...fast, AGENTGATE_AGENT: 'sh -c "while :; do date; sleep 0.2; done"', AGENTGATE_RECORD: 'true' } });
    await sup.waitForLog('recording started');
    await waitFor(() => sup.tmux(['capture-pane', '-p', '-t', 'agent']).stdout.trim() !== '', 'output');
    expect(sup.tmux(['resize-window', '-t', 'agent', '-x', '120', '-y', '30']).status).toBe(0);
    await waitFor(async () => (await replay(recordings(sup)[0] as string)).resizes.includes('120x30'), 'the resize in the recording', 10_000);
  });

  it('caps the recordings\' total size, removing the oldest', async () => {
    const agent = 'sh -c "head -c 300000 /dev/zero | tr \'\\\\0\' x | fold -w 100; exit 1"';
    sup = await SupervisorProcess.start({ env: { ...fast, AGENTGATE_AGENT: agent, AGENTGATE_RECORD: 'true', AGENTGATE_RECORD_MAX_MB: '1' } });
    await waitFor(() => sup.logsOf('recording started').length >= 8, 'eight runs', 30_000);
    const total = recordings(sup).reduce((sum, f) => sum + statSync(f).size, 0);
    expect(total).toBeLessThanOrEqual(1024 * 1024);
    expect(recordings(sup).length).toBeLessThan(8);
    expect(recordings(sup).length).toBeGreaterThanOrEqual(1);
  });

  it('scrubs the secret values the agent prints, also one split over two chunks of output (issue 17 #15)', async () => {
    const secret = 'sk-ant-api03-recording-secret-value';
    sup = await SupervisorProcess.start({ env: { ...fast, AGENTGATE_AGENT: 'agent-print-secret.sh', AGENTGATE_RECORD: 'true', ANTHROPIC_API_KEY: secret } });
    await sup.waitForLog('recording started');
    const file = await waitFor(() => recordings(sup)[0], 'a recording');
    const text = await waitFor(() => {
      const t = readFileSync(file, 'utf8');
      return t.includes('done printing') && t;
    }, 'the agent\'s output in the recording', 10_000);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(secret.slice(12));
    // Both places it was printed: `env`, and the split one.
    expect(text).toContain('ANTHROPIC_API_KEY=[redacted]');
    expect((await replay(file)).screen.join('\n')).toContain('the key, split: [redacted]');
  });

  it('holds each recording to its cap exactly, however much an event grows in JSON (issue 17 #15)', async () => {
    // Control characters become six bytes each in JSON (\u0001): an event is several times its output.
    const agent = 'sh -c "head -c 700000 /dev/zero | tr \'\\0\' \'\\1\'; exit 1"';
    // No restart during the test: a new run's start rotates a full file away.
    sup = await SupervisorProcess.start({ env: { ...fast, AGENTGATE_BACKOFF_INITIAL_MS: '60000', AGENTGATE_AGENT: agent, AGENTGATE_RECORD: 'true', AGENTGATE_RECORD_MAX_MB: '1' } });
    const file = await waitFor(() => recordings(sup)[0], 'a recording');
    // The output reaching the cap is cut there: the file ends within one event's frame (about 30 bytes) of
    // 512 KiB (half of the budget). Once it is that close it is done; an event written over the cap shows.
    const cap = 512 * 1024;
    const size = await waitFor(() => {
      const now = statSync(file).size;
      return now >= cap - 64 && now;
    }, 'the recording to reach its cap', 20_000);
    expect(size).toBeLessThanOrEqual(cap);
    await sup.waitForLog('agent exited');
    expect(statSync(file).size).toBeLessThanOrEqual(cap);
    // Every line is still a whole asciicast event.
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  });
});
