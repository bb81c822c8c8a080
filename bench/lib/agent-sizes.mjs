import { spawnSync } from 'node:child_process';

/** Every agent the image can carry, for `--build-arg AGENTS=...`. */
export const ALL_AGENTS = ['claude', 'codex', 'gemini', 'opencode', 'copilot'];

/** Where each agent's files are in the image: install-claude.sh and install-agents.sh put them there. */
const AGENT_PATHS = {
  claude: '/usr/local/bin/claude',
  codex: '/usr/local/lib/agentgate-agents/codex',
  gemini: '/usr/local/lib/agentgate-agents/gemini',
  opencode: '/usr/local/bin/opencode',
  copilot: '/usr/local/bin/copilot',
};

/**
 * The disk each agent takes in `image`, in MiB, by `du -sk` of its files in one container run (cheap: no agent
 * starts). An agent the image lacks is absent from the result.
 */
export function agentSizesMiB(image) {
  const paths = Object.values(AGENT_PATHS);
  // du reports what it can and fails for the rest: its output is read whatever its status.
  const du = spawnSync('docker', ['run', '--rm', '--network', 'none', '--entrypoint', 'du', image, '-sk', ...paths], { encoding: 'utf8' });
  const sizes = {};
  for (const line of du.stdout.split('\n')) {
    const [kib, path] = line.trim().split(/\s+/);
    const agent = Object.keys(AGENT_PATHS).find((name) => AGENT_PATHS[name] === path);
    if (agent) sizes[agent] = Number(kib) / 1024;
  }
  return sizes;
}
