/**
 * The image's entry (docker/agentgate.sh) starts node with glibc's malloc thresholds fixed
 * (MALLOC_MMAP_THRESHOLD_) and says so in ENTRY_TUNED. Fixed, glibc no longer raises its mmap and trim thresholds
 * after the large frees of start-up, which left about 1.4 MiB (from the startup snapshot) to 4.4 MiB (from the
 * bundle) of freed heap resident for the supervisor's whole life. It is the supervisor's setting, not the agent's:
 * both names leave the environment here, before any child (tmux, the agent, a shell over SSH) can inherit them.
 * A MALLOC_MMAP_THRESHOLD_ the user set is theirs: the entry then leaves it, and ENTRY_TUNED, unset.
 */
export const ENTRY_TUNED = 'AGENTGATE_ENTRY_MALLOC';

export function dropEntryTuning(env: NodeJS.ProcessEnv): void {
  if (env[ENTRY_TUNED] !== '1') return;
  delete env[ENTRY_TUNED];
  delete env.MALLOC_MMAP_THRESHOLD_;
}
