import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { ensureAgentsImage } from './agents-image.js';
import { ROOT, TestContainers } from './containers.js';
import { type Run, TEST_IMAGE, composeEnv, docker, dockerAsync, networkGateway } from './docker.js';
import type { MockApiServer } from './mock-api-server.js';
import { waitFor } from './wait-for.js';

/**
 * What the egress container tests share: an agent behind the allowlist proxy that holds an API key (compose's
 * egress override, or `agentgate up --egress`), a mock API of the test's own reached at the host's address on the
 * proxy's outer network, and the checks that the key lives in the proxy only.
 */

/**
 * A key the proxy holds: its variable, the value only the proxy may hold, the placeholder the agent gets instead,
 * and the kind the proxy's `credential request` log line names.
 */
export interface HeldKey {
  variable: string;
  value: string;
  placeholder: string;
  kind: string;
}

/**
 * The keys the tests give the proxy: a value of this test process's own, and the placeholders and kinds copied, not
 * imported, from the product (the tests check what the image, compose and `up` do).
 */
export const TEST_KEYS = {
  anthropic: { variable: 'ANTHROPIC_API_KEY', value: `sk-ant-real-key-${process.pid}-only-the-proxy-holds-it`, placeholder: 'sk-ant-api03-agentgate-placeholder-the-egress-proxy-holds-the-key', kind: 'api-key' },
  openai: { variable: 'OPENAI_API_KEY', value: `sk-openai-real-key-${process.pid}-only-the-proxy-holds-it`, placeholder: 'sk-agentgate-placeholder-the-egress-proxy-holds-the-openai-key', kind: 'openai-api-key' },
  gemini: { variable: 'GEMINI_API_KEY', value: `AIza-gemini-real-key-${process.pid}-only-the-proxy-holds-it`, placeholder: 'agentgate-placeholder-the-egress-proxy-holds-the-gemini-key', kind: 'gemini-api-key' },
  copilotToken: { variable: 'COPILOT_PROVIDER_BEARER_TOKEN', value: `copilot-provider-real-token-${process.pid}-only-the-proxy-holds-it`, placeholder: 'agentgate-placeholder-the-egress-proxy-holds-the-copilot-provider-token', kind: 'copilot-provider-bearer-token' },
  copilot: { variable: 'COPILOT_PROVIDER_API_KEY', value: `copilot-provider-real-key-${process.pid}-only-the-proxy-holds-it`, placeholder: 'agentgate-placeholder-the-egress-proxy-holds-the-copilot-provider-key', kind: 'copilot-provider-api-key' },
  openrouter: { variable: 'OPENROUTER_API_KEY', value: `sk-or-real-key-${process.pid}-only-the-proxy-holds-it`, placeholder: 'sk-or-agentgate-placeholder-the-egress-proxy-holds-the-openrouter-key', kind: 'openrouter-api-key' },
  opencode: { variable: 'OPENCODE_API_KEY', value: `sk-zen-real-key-${process.pid}-only-the-proxy-holds-it`, placeholder: 'sk-agentgate-placeholder-the-egress-proxy-holds-the-opencode-key', kind: 'opencode-api-key' },
} as const satisfies Record<string, HeldKey>;

/**
 * What a person sets once in a fresh state volume mounted at /state, per agent: shell commands (as root), then
 * the volume is made 1000's (the marker file keeps Docker from copying the image's directory over it). No key is
 * approved and no login is written: settling the placeholder is the supervisor's job.
 */
export const FIRST_RUN_STATE = {
  // Claude's first-run answers (theme, trusting /workspace).
  claude: `chown 0:0 /state && printf '%s' '${JSON.stringify({ hasCompletedOnboarding: true, theme: 'dark', projects: { '/workspace': { hasTrustDialogAccepted: true, hasCompletedProjectOnboarding: true } } })}' > /state/.claude.json && echo '{}' > /state/settings.json`,
  // A model name for the mock, no update check, /workspace trusted; no API address: the supervisor points Codex at the proxy.
  codex: `mkdir -p /state/codex && printf '${['model = "mock-model"', 'check_for_update_on_startup = false', '[projects."/workspace"]', 'trust_level = "trusted"'].join('\\n')}\\n' > /state/codex/config.toml`,
  // /workspace trusted; no auth method chosen: the placeholder settles that.
  gemini: `mkdir -p /state/gemini/.gemini && printf '{"/workspace":"TRUST_FOLDER"}' > /state/gemini/.gemini/trustedFolders.json`,
  // /workspace trusted (its folder-trust dialog answered); no provider address: the supervisor points Copilot at the proxy.
  copilot: `mkdir -p /state/copilot && printf '{"trustedFolders":["/workspace"]}' > /state/copilot/config.json`,
} as const;

/** `script` (FIRST_RUN_STATE's), then the volume handed to the agent's uid, 1000. */
export function stateInitScript(script: string): string {
  return `${script} && touch /state/.agentgate-volume && chown -R 1000:1000 /state && chmod 0700 /state`;
}

/** A compose project of the test's own with compose/egress.yaml: the proxy first, then the agent behind it. */
export class EgressComposeStack {
  readonly project: string;
  /** The workspaces the test makes, removed after it. */
  readonly made = new TestContainers();
  private readonly base: NodeJS.ProcessEnv;

  constructor(
    label: string,
    private readonly reachable: boolean,
    image = TEST_IMAGE,
  ) {
    this.project = `agentgate-t${process.pid}-${label}`;
    this.base = reachable ? composeEnv(this.project, { AGENTGATE_IMAGE: image }, ['compose/egress.yaml']) : {};
  }

  /**
   * The file's hooks: before, the mock APIs on every host address (the proxy reaches them at the host's address on
   * the egress network) and, for an image with every agent, that image built; after, the mocks closed, the
   * workspaces removed and the project down.
   */
  hooks(mocks: readonly MockApiServer[], options: { agentsImage?: boolean } = {}): void {
    beforeAll(async () => {
      if (!this.reachable) return;
      for (const mock of mocks) await mock.start('0.0.0.0');
      if (options.agentsImage) await ensureAgentsImage();
    }, 1_600_000);
    afterAll(async () => {
      for (const mock of mocks) await mock.close();
      this.made.cleanup();
      if (this.reachable) await this.down();
    });
  }

  compose(args: string[], extra: Record<string, string> = {}): Promise<Run> {
    return dockerAsync(['compose', ...args], { cwd: ROOT, env: { ...this.base, ...extra }, timeoutMs: 300_000 });
  }

  /** The proxy and its networks first, to learn the host's address on the egress side: where the mock listens. */
  async startProxy(): Promise<string> {
    const first = await this.compose(['up', '-d', '--wait', 'egress']);
    expect(first.status, first.stderr).toBe(0);
    const gateway = networkGateway(`${this.project}_agentgate-outer`);
    expect(gateway).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    return gateway;
  }

  /** Writes the state volume (`script`, see FIRST_RUN_STATE), starts the agent, and answers both containers' ids. */
  async startAgent(extra: Record<string, string>, script: string): Promise<{ agent: string; egress: string }> {
    const init = await this.compose(['run', '--rm', '--no-deps', 'state-init', stateInitScript(script)], extra);
    expect(init.status, init.stderr).toBe(0);
    return this.upAgent(extra);
  }

  /** The agent made again with `extra` (its state volume as the last run left it), and both containers' ids. */
  async upAgent(extra: Record<string, string>): Promise<{ agent: string; egress: string }> {
    const up = await this.compose(['up', '-d', '--wait', 'agent'], extra);
    expect(up.status, up.stderr).toBe(0);
    const id = (service: string) => docker(['compose', 'ps', '-q', service], 30_000, { ...this.base, ...extra }).stdout.trim();
    return { agent: id('agent'), egress: id('egress') };
  }

  /** Down with the same files, so the override's two networks go too (leaked ones use up the engine's address pools). */
  async down(): Promise<void> {
    await this.compose(['down', '-v', '-t', '1', '--remove-orphans']);
  }
}

/** Every process's environment in the container, one variable a line. */
export async function environOf(container: string): Promise<string> {
  // Asynchronous: a mock API in the test's process keeps answering meanwhile.
  return (await dockerAsync(['exec', container, 'sh', '-c', 'for f in /proc/[0-9]*/environ; do tr "\\0" "\\n" < "$f"; done 2>/dev/null'])).stdout;
}

/**
 * The key is nowhere in the agent's container: not in any process's environment (the placeholder is: the agent's
 * own environment was read), not in a file under `roots` (its home holds the state volume), not in `docker
 * inspect` (the placeholder is), not in its log. Answers the file search, for checks of its own.
 */
export async function expectKeyNowhereInAgent(agent: string, key: HeldKey, roots: readonly string[] = ['/home/agentgate', '/workspace', '/tmp']): Promise<Run> {
  const environ = await environOf(agent);
  expect(environ).toContain(`${key.variable}=${key.placeholder}`);
  expect(environ).not.toContain(key.value);
  const files = await dockerAsync(['exec', agent, 'grep', '-rlsF', '--exclude-dir=proc', '--exclude-dir=sys', '--exclude-dir=dev', key.value, ...roots], { timeoutMs: 300_000 });
  expect(files.stdout).toBe('');
  expect(files.status).not.toBe(0); // not found (2: some files it may not read, such as other users' dirs)
  const inspected = docker(['inspect', agent]).stdout;
  expect(inspected).not.toContain(key.value);
  expect(inspected).toContain(`${key.variable}=${key.placeholder}`);
  const logs = docker(['logs', agent]);
  expect(logs.stdout + logs.stderr).not.toContain(key.value);
  return files;
}

/** The proxy says which credential it attached, never its value. */
export function expectProxyLogsKindNotValue(proxy: string, key: HeldKey): void {
  const logs = docker(['logs', proxy]);
  expect(logs.stdout).toContain(`"credential":"${key.kind}"`);
  expect(logs.stdout + logs.stderr).not.toContain(key.value);
}

/** The agent's screen (its tmux pane). */
export function screenOf(container: string): string {
  return docker(['exec', container, 'tmux', 'capture-pane', '-p', '-t', 'agent']).stdout;
}

/**
 * `agentgate up --egress` makes one proxy (`agentgate-egress`) and its two networks for the whole engine: the test
 * files that use it hold this lock (a directory with the holder's pid; a dead holder's is taken over), so that
 * parallel workers run them in turn. Answers the release.
 */
export async function lockHostEgressProxy(timeoutMs = 840_000): Promise<() => void> {
  const dir = join(tmpdir(), 'agentgate-test-egress-proxy.lock');
  const holder = join(dir, 'pid');
  const take = () => {
    try {
      mkdirSync(dir);
      writeFileSync(holder, String(process.pid));
      return true;
    } catch {
      const pid = Number(readFileSync(holder, { encoding: 'utf8', flag: 'a+' }) || 0);
      if (pid > 0 && !alive(pid)) rmSync(dir, { recursive: true, force: true });
      return false;
    }
  };
  await waitFor(take, 'the other test file using the engine\'s one egress proxy to end', timeoutMs);
  return () => rmSync(dir, { recursive: true, force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
