import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENTS_IMAGE, ensureAgentsImage } from '../helpers/agents-image.js';
import { AgentgateCli, installCli, projectDir } from '../helpers/agentgate-cli.js';
import { submitLine } from '../helpers/agent-tui.js';
import { readyz, requireEngine } from '../helpers/containers.js';
import { docker, inspect, networkGateway } from '../helpers/docker.js';
import { FIRST_RUN_STATE, TEST_KEYS, environOf, expectKeyNowhereInAgent, expectProxyLogsKindNotValue, lockHostEgressProxy, screenOf, stateInitScript } from '../helpers/egress-stack.js';
import { MockChatCompletions } from '../helpers/mock-chat-completions.js';
import { waitFor } from '../helpers/wait-for.js';

// `agentgate up --egress --agent copilot` with its own provider's key in the shell of `agentgate` and the provider's
// address given with --env: the real Copilot CLI in the all-agents image, the key held by the proxy `up` makes,
// which forwards it to that address (the user's COPILOT_PROVIDER_BASE_URL) only.
const engine = requireEngine();
const PROXY = 'agentgate-egress';
const OUTER = 'agentgate-egress-outer';
const INNER = 'agentgate-egress-inner';
const KEY = TEST_KEYS.copilot;

let cli: AgentgateCli;
let release = () => {};
const names: string[] = [];
const provider = new MockChatCompletions();

/** The agent, the proxy and its networks a case that failed before its rm left (the lock keeps the other files out). */
function removeLeftovers(): void {
  cli?.cleanup(names);
  docker(['rm', '-f', PROXY]);
  docker(['network', 'rm', INNER, OUTER]);
}

describe.skipIf(!engine)("agentgate up --egress with Copilot CLI: its own provider's key lives in the proxy only", () => {
  beforeAll(async () => {
    await ensureAgentsImage();
    // cli-egress.test.ts and cli-egress-agents.test.ts use the same proxy: one file at a time.
    release = await lockHostEgressProxy();
    cli = new AgentgateCli(installCli());
    // On every host address: the proxy reaches the mock only at the address of a network this test makes.
    await provider.start('0.0.0.0');
  }, 2_500_000);
  afterAll(async () => {
    await provider.close();
    removeLeftovers();
    release();
  });

  it('runs a turn, the provider sees the real COPILOT_PROVIDER_API_KEY on each request; the key is in no environ, inspect, state file or log of the agent', async () => {
    removeLeftovers();
    const name = `copilot-e${process.pid}`;
    names.push(name);
    const container = `agentgate-${name}`;
    // The proxy's outer network made here (`up` keeps an existing one): its gateway, the host, is where the mock listens.
    expect(docker(['network', 'create', '--label', 'agentgate.role=egress-network', OUTER]).status).toBe(0);
    const address = networkGateway(OUTER);
    expect(address).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const baseUrl = `http://${address}:${provider.port}/v1`;
    // The state volume with the workspace trusted (no login, no provider address: the supervisor settles those).
    const init = docker(['run', '--rm', '--network', 'none', '--user', '0:0', '--entrypoint', 'sh', '-v', `${container}-state:/state`, AGENTS_IMAGE, '-c', stateInitScript(FIRST_RUN_STATE.copilot)]);
    expect(init.status, init.stderr).toBe(0);
    const prompt = 'hello from up with a borrowed copilot provider key';
    const reached = () => provider.turns().some((texts) => texts.some((t) => t.includes(prompt)));
    // Asynchronous: the mock lives in this process, and a blocking spawn would keep it from answering.
    const up = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const run = cli.start(['up', projectDir('copilot'), '--name', name, '--image', AGENTS_IMAGE, '--agent', 'copilot', '--egress',
        '--env', `COPILOT_PROVIDER_BASE_URL=${baseUrl}`, '--env', 'COPILOT_MODEL=mock-model'], { env: { [KEY.variable]: KEY.value } });
      void run.exited.then((code) => resolve({ code, stderr: run.out.stderr }));
    });
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toContain(`it holds ${KEY.variable} (the agent: a placeholder)`);
    expect(up.stderr).not.toContain(KEY.value);

    const screen = () => screenOf(container);
    // Typed at its input as a person would (its first prompt by AGENTGATE_PROMPT is another matter, not tested here).
    await waitFor(() => screen().includes('/ commands'), 'its input', 120_000, screen);
    await submitLine(container, prompt, reached);
    await waitFor(reached, 'the prompt at the mock provider', 60_000, screen);
    await waitFor(() => screen().includes('hello from the mock model'), 'the reply on screen', 60_000, screen);
    const seen = provider.requests.filter((r) => r.method === 'POST').map((r) => r.authorization);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter((a) => a !== `Bearer ${KEY.value}`)).toEqual([]);
    // It reached the provider through the credential endpoint (its address replaced), not straight.
    expect(await environOf(container)).toContain('COPILOT_PROVIDER_BASE_URL=http://egress:3129/copilot-provider');
    expect(readyz(container).needsLogin).toBe(false);

    // The proxy holds the key and the provider's address as its upstream; the agent only the placeholder.
    const proxyEnv = inspect(PROXY, '{{json .Config.Env}}');
    expect(proxyEnv).toContain(`${KEY.variable}=${KEY.value}"`);
    expect(proxyEnv).toContain(`AGENTGATE_CREDENTIAL_UPSTREAM_COPILOT=${baseUrl}"`);
    await expectKeyNowhereInAgent(container, KEY);
    expectProxyLogsKindNotValue(PROXY, KEY);

    const rm = cli.run(['rm', name, '--volumes']);
    expect(rm.code, rm.stderr).toBe(0);
    expect(docker(['inspect', container]).status).not.toBe(0);
  });
});
