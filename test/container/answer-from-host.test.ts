import { chownSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentgateCli, installCli } from '../helpers/agentgate-cli.js';
import { requireEngine } from '../helpers/containers.js';
import { TEST_IMAGE, docker, inspect } from '../helpers/docker.js';
import { waitFor } from '../helpers/wait-for.js';

// Issue 20: the host answers the agent's permission requests and gives it prompts, through the real image.
const engine = requireEngine();
const name = `answer-c${process.pid}`;
const container = `agentgate-${name}`;
// Asks twice as Claude's hook would (through the image's real agentgate-hook), keeps what the hook printed,
// ends its turn (Stop: waiting), then takes prompts: each line typed into its session goes to .typed.
const AGENT_SCRIPT = `
printf '{"tool_name":"Bash","tool_input":{"command":"make deploy"}}' | agentgate-hook PermissionRequest > /workspace/.out1
printf '{"tool_name":"Bash","tool_input":{"command":"rm -rf build"}}' | agentgate-hook PermissionRequest > /workspace/.out2
echo '{}' | agentgate-hook Stop
echo asked
while IFS= read -r line; do printf '%s\\n' "$line" >> /workspace/.typed; done
`;

let cli: AgentgateCli;
let dir: string;
const read = (file: string) => {
  try {
    return readFileSync(join(dir, file), 'utf8');
  } catch {
    return undefined;
  }
};

describe.skipIf(!engine)('answering the agent from the host', () => {
  beforeAll(() => {
    cli = new AgentgateCli(installCli());
    dir = mkdtempSync(join(tmpdir(), 'agentgate-answer-'));
    writeFileSync(join(dir, 'ask.sh'), AGENT_SCRIPT);
    chownSync(dir, 1000, 1000);
    chownSync(join(dir, 'ask.sh'), 1000, 1000);
    const up = cli.run(['up', dir, '--name', name, '--image', TEST_IMAGE, '--network', 'none', '--agent', 'sh /workspace/ask.sh', '--memory', '512m', '--cpus', '1', '--env', 'AGENTGATE_IDLE_MS=1000']);
    if (up.code !== 0) throw new Error(`up failed: ${up.stderr}`);
  }, 300_000);
  afterAll(() => cli?.cleanup([name]));

  it('approve and deny NAME answer the pending decisions; the hook prints Claude\'s decision; a second answer is refused', async () => {
    const first = await waitFor(() => /decision ([0-9a-f]+): Bash make deploy/.exec(cli.run(['status', name]).stdout)?.[1], 'the first decision in status', 30_000);
    const approved = cli.run(['approve', name]);
    expect(approved).toMatchObject({ code: 0, stdout: `allowed ${first} (Bash)\n` });
    await waitFor(() => read('.out1'), 'the first hook to print');
    expect(JSON.parse(read('.out1') as string)).toEqual({ hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'allow' } } });
    await waitFor(() => cli.run(['status', name]).stdout.includes('Bash rm -rf build'), 'the second decision in status', 30_000);
    expect(cli.run(['deny', name, '-m', 'not the build dir'])).toMatchObject({ code: 0 });
    await waitFor(() => read('.out2'), 'the second hook to print');
    expect(JSON.parse(read('.out2') as string)).toEqual({ hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'deny', message: 'not the build dir' } } });
    const again = cli.run(['deny', name, first]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`decision ${first} already closed: already answered by host cli (allow)`);
    const closedLines = cli.run(['logs', name, '--json']).stdout.split('\n').filter((l) => l.includes('decision closed'));
    expect(closedLines.filter((l) => l.includes('host cli'))).toHaveLength(2);
  });

  it('prompt NAME types the text exactly into the waiting agent', async () => {
    await waitFor(() => /agent state: (idle|waiting)/.test(cli.run(['status', name]).stdout), 'the agent waiting', 30_000);
    const text = "it's $HOME and `id`; C-c";
    expect(cli.run(['prompt', name, text])).toMatchObject({ code: 0, stdout: `typed ${text.length} characters\n` });
    await waitFor(() => read('.typed') === `${text}\n`, 'the prompt typed');
    await waitFor(() => /agent state: (idle|waiting)/.test(cli.run(['status', name]).stdout), 'the agent waiting again', 30_000);
    expect(cli.run(['prompt', name, '-'], { input: 'second\nthird' })).toMatchObject({ code: 0 });
    await waitFor(() => read('.typed') === `${text}\nsecond\nthird\n`, 'the stdin prompt typed');
  });

  it('the container holds only the hash; the agent cannot read the token of a root exec nor answer with what it has', () => {
    const env = inspect(container, '{{json .Config.Env}}');
    expect(env).toMatch(/AGENTGATE_ANSWER_TOKEN_SHA256=[0-9a-f]{64}/);
    const token = inspect(container, '{{index .Config.Labels "agentgate.answer-token"}}');
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(env).not.toContain(token);
    // A root exec holding the token, as approve runs it: the agent's uid cannot read its environment.
    docker(['exec', '-d', '-u', '0', '-e', `AGENTGATE_ANSWER_TOKEN=${token}`, container, 'sleep', '30']);
    const peek = cli.run(['exec', name, '--', 'sh', '-c', 'for f in /proc/[0-9]*/environ; do cat "$f"; done']);
    expect(peek.stdout + peek.stderr).not.toContain(token);
    expect(peek.stderr).toContain('Permission denied');
    // The agent's own approve, with the hash or its hook token as the token: refused.
    const own = cli.run(['exec', name, '--', 'sh', '-c', 'AGENTGATE_ANSWER_TOKEN=$AGENTGATE_ANSWER_TOKEN_SHA256 agentgate approve 0123ab']);
    expect(own.code).toBe(1);
    expect(own.stderr).toContain('bad or missing authorization');
  });
});
