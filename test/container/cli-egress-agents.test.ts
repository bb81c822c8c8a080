import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENTS_IMAGE, ensureAgentsImage } from '../helpers/agents-image.js';
import { AgentgateCli, installCli, projectDir } from '../helpers/agentgate-cli.js';
import { requireEngine } from '../helpers/containers.js';
import { docker, dockerAsync, inspect, networkGateway } from '../helpers/docker.js';
import { FIRST_RUN_STATE, type HeldKey, TEST_KEYS, expectKeyNowhereInAgent, expectProxyLogsKindNotValue, lockHostEgressProxy, screenOf, stateInitScript } from '../helpers/egress-stack.js';
import { parseLogLines } from '../helpers/log-lines.js';
import { MockGemini } from '../helpers/mock-gemini.js';
import { MockOpenAIResponses } from '../helpers/mock-openai-responses.js';
import { waitFor } from '../helpers/wait-for.js';

// `agentgate up --egress --agent codex|gemini` with the key in the shell of the `agentgate` command: the real CLIs
// in the all-agents image, the key held by the proxy `up` makes. They share that one proxy, so they run in turn.
const engine = requireEngine();
const PROXY = 'agentgate-egress';
const OUTER = 'agentgate-egress-outer';
const INNER = 'agentgate-egress-inner';

let cli: AgentgateCli;
let release = () => {};
const names: string[] = [];
const codexApi = new MockOpenAIResponses();
const geminiApi = new MockGemini();

/** The agents, the proxy and its networks a case that failed before its rm left (the lock keeps the other file out). */
function removeLeftovers(): void {
  cli?.cleanup(names);
  docker(['rm', '-f', PROXY]);
  docker(['network', 'rm', INNER, OUTER]);
}

/** What differs between the agents: the key, where its upstream is set, what reached the mock. */
interface AgentCase {
  agent: 'codex' | 'gemini';
  key: HeldKey;
  /** The upstream variable given with --env (the documented way: it goes to the proxy whole), at the mock's address. */
  upstream: (address: string) => string;
  extraEnv: string[];
  /** The agent's own API host, which the proxy must let through (its default list, as compose's proxy has it). */
  apiHost: string;
  promptReached: (prompt: string) => boolean;
  /** The credential each request reached the mock with. */
  keysSeen: () => Array<string | undefined>;
}

const CASES: AgentCase[] = [
  {
    agent: 'codex',
    key: TEST_KEYS.openai,
    upstream: (address) => `AGENTGATE_CREDENTIAL_UPSTREAM_OPENAI=http://${address}:${codexApi.port}/v1`,
    extraEnv: [],
    apiHost: 'api.openai.com',
    promptReached: (prompt) => codexApi.userTexts().includes(prompt),
    keysSeen: () => codexApi.requests.filter((r) => r.method === 'POST').map((r) => r.authorization?.replace(/^Bearer /, '')),
  },
  {
    agent: 'gemini',
    key: TEST_KEYS.gemini,
    upstream: (address) => `AGENTGATE_CREDENTIAL_UPSTREAM_GEMINI=http://${address}:${geminiApi.port}`,
    extraEnv: ['AGENTGATE_AGENT_ARGS=-m gemini-2.5-flash'],
    apiHost: 'generativelanguage.googleapis.com',
    promptReached: (prompt) => geminiApi.turns().some((texts) => texts.includes(prompt)),
    keysSeen: () => geminiApi.requests.map((r) => r.googApiKey),
  },
];

describe.skipIf(!engine)('agentgate up --egress with Codex CLI and Gemini CLI: the key in the shell of `agentgate` lives in the proxy only', () => {
  beforeAll(async () => {
    await ensureAgentsImage();
    // cli-egress.test.ts uses the same proxy: one file at a time.
    release = await lockHostEgressProxy();
    cli = new AgentgateCli(installCli());
    // On every host address: the proxy reaches each mock only at the address of a network this test makes.
    await codexApi.start('0.0.0.0');
    await geminiApi.start('0.0.0.0');
  }, 2_500_000);
  afterAll(async () => {
    await codexApi.close();
    await geminiApi.close();
    removeLeftovers();
    release();
  });

  for (const c of CASES) {
    it(`${c.agent}: takes its first prompt, the mock sees the real ${c.key.variable}; the key is in no environ, inspect, state file or log of the agent; rm removes both containers and the networks`, async () => {
      removeLeftovers();
      const name = `${c.agent}-e${process.pid}`;
      names.push(name);
      const container = `agentgate-${name}`;
      // The proxy's outer network made here (`up` keeps an existing one): its gateway, the host, is where the mock listens.
      expect(docker(['network', 'create', '--label', 'agentgate.role=egress-network', OUTER]).status).toBe(0);
      const address = networkGateway(OUTER);
      expect(address).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      // The state volume with what a person sets once (no login, no API address: the supervisor settles both).
      const init = docker(['run', '--rm', '--network', 'none', '--user', '0:0', '--entrypoint', 'sh', '-v', `${container}-state:/state`, AGENTS_IMAGE, '-c', stateInitScript(FIRST_RUN_STATE[c.agent])]);
      expect(init.status, init.stderr).toBe(0);
      const prompt = `hello from up with a borrowed ${c.agent} key`;
      // Asynchronous: the mock lives in this process, and a blocking spawn would keep it from answering.
      const up = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const run = cli.start(['up', projectDir(c.agent), '--name', name, '--image', AGENTS_IMAGE, '--agent', c.agent, '--egress', '--prompt', prompt,
          '--env', c.upstream(address), ...c.extraEnv.flatMap((e) => ['--env', e])], { env: { [c.key.variable]: c.key.value } });
        void run.exited.then((code) => resolve({ code, stderr: run.out.stderr }));
      });
      expect(up.code, up.stderr).toBe(0);
      expect(up.stderr).toContain(`it holds ${c.key.variable} (the agent: a placeholder)`);
      expect(up.stderr).not.toContain(c.key.value);

      const screen = () => screenOf(container);
      await waitFor(() => c.promptReached(prompt), 'the first prompt at the mock API', 120_000, screen);
      await waitFor(() => screen().includes('hello from the mock model'), 'the reply on screen', 60_000, screen);
      const seen = c.keysSeen();
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.filter((k) => k !== c.key.value)).toEqual([]);

      // The proxy holds the key and the upstream; the agent neither.
      const proxyEnv = inspect(PROXY, '{{json .Config.Env}}');
      expect(proxyEnv).toContain(`${c.key.variable}=${c.key.value}"`);
      expect(proxyEnv).toContain(`${c.upstream(address)}"`);
      expect(docker(['inspect', container]).stdout).not.toContain(c.upstream(address));
      await expectKeyNowhereInAgent(container, c.key);
      expectProxyLogsKindNotValue(PROXY, c.key);

      // Its own API host is on the proxy's list (`--egress works out of the box`): a request there is let through,
      // and fails only upstream (this machine has no way out), never denied as unlisted.
      const connect = await dockerAsync(['exec', container, 'curl', '-sS', '-m', '30', '-o', '/dev/null', '-w', '%{http_connect}', `https://${c.apiHost}/`], { timeoutMs: 60_000 });
      const apiHostLines = () => parseLogLines(docker(['logs', PROXY]).stdout.split('\n')).filter((l) => l.host === c.apiHost);
      await waitFor(() => apiHostLines().length > 0, `the proxy's line about ${c.apiHost}`, 30_000, () => `${connect.stdout} ${connect.stderr}`);
      expect(apiHostLines().map((l) => `${l.msg}: ${l.reason}`).filter((m) => m.startsWith('egress denied'))).toEqual([]);
      expect(connect.stdout).not.toBe('403');

      const rm = cli.run(['rm', name, '--volumes']);
      expect(rm.code, rm.stderr).toBe(0);
      expect(rm.stderr).toContain('the egress proxy and its networks were removed');
      expect(docker(['inspect', container]).status).not.toBe(0);
      expect(docker(['inspect', PROXY]).status).not.toBe(0);
      for (const network of [INNER, OUTER]) expect(docker(['network', 'inspect', network]).status).not.toBe(0);
    });
  }
});
