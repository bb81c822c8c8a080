import { accessSync, constants, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runProcess } from '../runtime/run-process.js';
import { StartupError } from '../errors.js';

export interface GitSetup {
  /** Variables the agent's environment needs: GIT_CONFIG_GLOBAL when HOME is not writable. */
  env: Record<string, string>;
  globalConfigPath: string;
}

/**
 * Marks the workspace as a safe.directory (a bind mount often belongs to another uid, and git refuses such
 * repositories) and sets the identity when given. HOME may be on a read-only root: then the global config
 * moves to a writable file that GIT_CONFIG_GLOBAL points at.
 */
export async function configureGit(options: {
  workspace: string;
  home: string;
  tmpDir: string;
  name?: string;
  email?: string;
  env: Record<string, string | undefined>;
}): Promise<GitSetup> {
  const setupEnv: Record<string, string> = {};
  let globalConfigPath = options.env.GIT_CONFIG_GLOBAL ?? join(options.home, '.gitconfig');
  if (!options.env.GIT_CONFIG_GLOBAL && !isWritable(options.home, globalConfigPath)) {
    const dir = join(options.tmpDir, 'agentgate-git');
    globalConfigPath = join(dir, 'gitconfig');
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      // Keep what the user mounted at ~/.gitconfig (read-only): include it from the writable copy.
      writeFileSync(globalConfigPath, `[include]\n\tpath = ${join(options.home, '.gitconfig')}\n`, { mode: 0o600 });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new StartupError(`HOME ${options.home} is not writable and neither is ${dir} (${code})`, { cause: error, hint: 'mount a tmpfs on /tmp or on HOME' });
    }
    setupEnv.GIT_CONFIG_GLOBAL = globalConfigPath;
  }
  const env = { ...options.env, ...setupEnv };
  const settings: Array<[string, string, boolean]> = [['safe.directory', options.workspace, true]];
  if (options.name) settings.push(['user.name', options.name, false]);
  if (options.email) settings.push(['user.email', options.email, false]);
  for (const [key, value, multi] of settings) {
    const args = multi
      ? ['config', '--global', '--replace-all', key, value, `^${escapeRegExp(value)}$`]
      : ['config', '--global', key, value];
    const result = await runProcess('git', args, { env, timeoutMs: 5000 });
    if (!result.ok) {
      const reason = result.errorCode === 'ENOENT' ? 'git is not installed' : result.stderr.trim() || result.errorCode || `exit ${result.exitCode}`;
      throw new StartupError(`could not set git ${key} in ${globalConfigPath}: ${reason}`, { cause: result });
    }
  }
  return { env: setupEnv, globalConfigPath };
}

function isWritable(dir: string, file: string): boolean {
  for (const target of [file, dir]) {
    try {
      accessSync(target, constants.W_OK);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return false;
    }
  }
  return false;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
