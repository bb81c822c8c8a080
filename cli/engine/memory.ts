import type Docker from 'dockerode';

/** The engine's sample of the container's memory (one-shot: no wait for a second sample), where the container cannot read its own cgroup. */
export async function memoryOf(docker: Docker, id: string): Promise<number | null> {
  try {
    const stats = (await docker.getContainer(id).stats({ stream: false, 'one-shot': true } as { stream: false })) as { memory_stats?: { usage?: number; stats?: Record<string, number> } };
    const usage = stats.memory_stats?.usage;
    if (usage === undefined) return null;
    // What `docker stats` shows: the usage without the page cache.
    const cache = stats.memory_stats?.stats?.inactive_file ?? stats.memory_stats?.stats?.total_inactive_file ?? 0;
    return usage - cache;
  } catch {
    return null;
  }
}
