import profile from '../deploy/hardening.json' with { type: 'json' };

/**
 * The hardening every agent container gets, from the one profile (deploy/hardening.json) that compose, the
 * stack, the chart, the tests and the bench are checked against: read-only root, every capability dropped,
 * no new privileges, limits, a tmpfs /tmp and home (owned by the uid the agent runs as).
 */
const home = profile.tmpfs['/home/agentgate'];
const tmp = profile.tmpfs['/tmp'];

export const HARDENING = {
  readOnlyRoot: profile.readOnlyRoot,
  capDrop: profile.capDrop,
  securityOpt: profile.noNewPrivileges ? ['no-new-privileges:true'] : [],
  pidsLimit: profile.limits.pids,
  memory: profile.limits.memory,
  /** Up to this many CPUs, never more than the host has (Docker refuses more): as make up picks. */
  maxCpus: 2,
  tmpfs: {
    '/tmp': `mode=${tmp.mode},size=${tmp.size}`,
    home: (uid: number, gid: number) => `uid=${uid},gid=${gid},mode=${home.mode},size=${home.size}`,
  },
  ulimits: [
    { Name: 'nofile', Soft: profile.ulimits.nofile, Hard: profile.ulimits.nofile },
    { Name: 'core', Soft: profile.ulimits.core, Hard: profile.ulimits.core },
  ],
  restart: 'unless-stopped',
} as const;

/** "4g", "512m", "1073741824" as bytes; null when it is none of these. */
export function parseMemory(text: string): number | null {
  const match = /^([0-9]+(?:\.[0-9]+)?)([kmg]?)b?$/i.exec(text.trim());
  if (!match) return null;
  const unit = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30 }[(match[2] ?? '').toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Math.round(Number(match[1]) * unit);
}
