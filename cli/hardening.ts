/**
 * The hardening every agent container gets, as compose's x-hardening block applies it (compose/compose.yaml):
 * read-only root, every capability dropped, no new privileges, limits, a tmpfs /tmp and home.
 * test/unit/cli-hardening.test.ts checks this against compose.
 */
export const HARDENING = {
  readOnlyRoot: true,
  capDrop: ['ALL'],
  securityOpt: ['no-new-privileges:true'],
  pidsLimit: 512,
  memory: '4g',
  /** Up to this many CPUs, never more than the host has (Docker refuses more). */
  maxCpus: 2,
  tmpfs: {
    '/tmp': 'mode=1777,size=512m',
    /** The home belongs to the uid the agent runs as. */
    home: (uid: number, gid: number) => `uid=${uid},gid=${gid},mode=0700,size=256m`,
  },
  ulimits: [
    { Name: 'nofile', Soft: 8192, Hard: 8192 },
    { Name: 'core', Soft: 0, Hard: 0 },
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
