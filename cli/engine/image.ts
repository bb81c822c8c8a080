import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { CliError } from '../errors.js';

/**
 * The agent image: used when the engine has it, else built from this clone's docker/Dockerfile with the
 * build's own steps shown as progress. The build reaches the npm registry through the host's network.
 */
export async function ensureImage(
  docker: Docker,
  options: { image: string; repoRoot: string; env: Readonly<Record<string, string | undefined>>; progress: (line: string) => void },
): Promise<'present' | 'built'> {
  try {
    await docker.getImage(options.image).inspect();
    return 'present';
  } catch {
    // missing: build it
  }
  const dockerfile = join(options.repoRoot, 'docker', 'Dockerfile');
  if (!existsSync(dockerfile)) {
    throw new CliError(`image ${options.image} is not on the engine, and ${dockerfile} is not there to build it`, 1, `build it (make image) or give --image`);
  }
  options.progress(`building ${options.image} from ${options.repoRoot} (the first build takes a few minutes)`);
  // The Claude Code version is the Dockerfile's own default (its one place); these follow the host's.
  const buildargs: Record<string, string> = {};
  for (const name of ['NODE_IMAGE', 'NPM_CONFIG_REGISTRY', 'CLAUDE_CODE_VERSION']) if (options.env[name]) buildargs[name] = options.env[name] as string;
  const stream = await docker.buildImage(
    { context: options.repoRoot, src: readdirSync(options.repoRoot) },
    { t: options.image, dockerfile: 'docker/Dockerfile', networkmode: 'host', buildargs, rm: true },
  );
  let failure: string | null = null;
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (error) => (error ? reject(error) : resolve()),
      (event: { stream?: string; error?: string; status?: string }) => {
        if (event.error) failure = event.error;
        const line = (event.stream ?? event.status ?? '').trim();
        if (/^Step \d+\/\d+/.test(line)) options.progress(`  ${line}`);
      },
    );
  });
  if (failure) throw new CliError(`building ${options.image} failed: ${failure}`, 1, 'the lines above say which step; fix it and run up again');
  return 'built';
}
