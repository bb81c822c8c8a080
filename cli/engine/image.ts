import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import dockerignoreModule, { type Ignore } from '@balena/dockerignore';
import type Docker from 'dockerode';
import { CliError } from '../errors.js';

// Its types declare an ES default export; the package is CommonJS (module.exports is the function).
const dockerignore = ((dockerignoreModule as { default?: unknown }).default ?? dockerignoreModule) as (options?: { ignorecase?: boolean }) => Ignore;

/** The last lines a failing build step printed, shown with its failure. */
const BUILD_LINES_SHOWN = 20;

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
  // The engine refusing the build itself (no Dockerfile in the context, a bad argument) is a failed build, not a bug.
  // forcerm: a failed step's container goes with the build (docker build's --force-rm), not left on the engine.
  const stream = await docker
    .buildImage({ context: options.repoRoot, src: contextFiles(options.repoRoot) }, { t: options.image, dockerfile: 'docker/Dockerfile', networkmode: 'host', buildargs, rm: true, forcerm: true })
    .catch((error: Error) => {
      throw new CliError(`building ${options.image} failed: the engine refused it: ${error.message.trim()}`, 1, 'build it with make image, which shows the whole build, then run up again');
    });
  let failure: string | null = null;
  // The steps are shown as they come; what the failing step printed is shown only if the build fails.
  let printed: string[] = [];
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (error) => (error ? reject(error) : resolve()),
      (event: { stream?: string; error?: string; status?: string }) => {
        if (event.error) failure = event.error;
        for (const line of (event.stream ?? event.status ?? '').split('\n').map((l) => l.trimEnd())) {
          if (/^Step \d+\/\d+/.test(line)) {
            options.progress(`  ${line}`);
            printed = [];
          } else if (line.trim() !== '' && !/^ ---> /.test(line)) printed = [...printed.slice(-(BUILD_LINES_SHOWN - 1)), line];
        }
      },
    );
  });
  if (failure) {
    for (const line of printed) options.progress(`    ${line}`);
    throw new CliError(`building ${options.image} failed: ${failure}`, 1, 'the lines above say which step and what it printed; fix it and run up again');
  }
  return 'built';
}

/**
 * The build context: every file .dockerignore lets through, as Docker reads its rules. Given to dockerode as a
 * list of files, each judged by its own path: handed a directory, dockerode packs it with the rules applied to
 * absolute paths (with `*` first, every file in it was dropped), and it drops a directory the rules exclude even
 * when they let files in it through (`*`, then `!docker/x`). A directory the rules exclude is walked only when an
 * exception may reach into it. Unlike the docker CLI, dockerode applies the rules to the Dockerfile too: the
 * repository's .dockerignore lets it through.
 */
export function contextFiles(root: string): string[] {
  let rules = '';
  try {
    rules = readFileSync(join(root, '.dockerignore'), 'utf8');
  } catch {
    // no .dockerignore: everything goes
  }
  const ignore = dockerignore({ ignorecase: false }).add(rules);
  const exceptions = rules
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('!'))
    .map((line) => line.slice(1).replace(/^\/+/, ''));
  const mayReach = (dir: string) => exceptions.some((e) => e.startsWith(`${dir}/`) || /^[^/]*[*?[]/.test(e));
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!ignore.ignores(path) || mayReach(path)) walk(path);
      } else if (!ignore.ignores(path)) files.push(path);
    }
  };
  walk('');
  return files;
}
