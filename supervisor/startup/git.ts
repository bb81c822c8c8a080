import { accessSync, constants, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findExecutable } from '../runtime/find-executable.js';
import { runProcess } from '../runtime/run-process.js';
import { StartupError } from '../errors.js';

export interface GitSetup {
  /** Variables the agent's environment needs: GIT_CONFIG_GLOBAL when HOME is not writable. */
  env: Record<string, string>;
  globalConfigPath: string;
  /**
   * The settings being written (one `git config` process each, in turn): rejects with a StartupError naming the
   * setting and the file. Known before they are written, the environment lets the rest of the start go on meanwhile.
   */
  written: Promise<void>;
}

/**
 * Marks the workspace as a safe.directory (a bind mount often belongs to another uid, and git refuses such
 * repositories) and sets the identity when given. HOME may be on a read-only root: then the global config
 * moves to a writable file that GIT_CONFIG_GLOBAL points at.
 */
export function configureGit(options: {
  workspace: string;
  home: string;
  tmpDir: string;
  name?: string;
  email?: string;
  env: Record<string, string | undefined>;
}): GitSetup {
  const setupEnv: Record<string, string> = {};
  const settings: Array<[string, string, boolean]> = [['safe.directory', options.workspace, true]];
  if (options.name) settings.push(['user.name', options.name, false]);
  if (options.email) settings.push(['user.email', options.email, false]);
  let globalConfigPath = options.env.GIT_CONFIG_GLOBAL ?? join(options.home, '.gitconfig');
  // The agent needs git, and writing its file without a process must not hide that it is missing.
  if (!findExecutable('git', options.env.PATH ?? '/usr/local/bin:/usr/bin:/bin')) {
    const written = Promise.reject(new StartupError(`could not set git safe.directory in ${globalConfigPath}: git is not installed`, { hint: 'install git' }));
    written.catch(() => undefined);
    return { env: setupEnv, globalConfigPath, written };
  }
  if (!options.env.GIT_CONFIG_GLOBAL && !isWritable(options.home, globalConfigPath)) {
    const dir = join(options.tmpDir, 'agentgate-git');
    globalConfigPath = join(dir, 'gitconfig');
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      // Keep what the user mounted at ~/.gitconfig (read-only): include it from the writable copy, ours.
      writeFileSync(globalConfigPath, gitConfigText([['include.path', join(options.home, '.gitconfig')], ...settings.map(([key, value]) => [key, value] as const)]), { mode: 0o600 });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new StartupError(`HOME ${options.home} is not writable and neither is ${dir} (${code})`, { cause: error, hint: 'mount a tmpfs on /tmp or on HOME' });
    }
    setupEnv.GIT_CONFIG_GLOBAL = globalConfigPath;
    return { env: setupEnv, globalConfigPath, written: Promise.resolve() };
  }
  // A global config that does not exist yet (a fresh HOME, as every container start on the image's tmpfs home has)
  // is written whole here, as `git config` would write it: no git process on the way to ready. One that exists is
  // git's to edit (it may hold anything); so is one that cannot be created here (git then says why).
  try {
    writeFileSync(globalConfigPath, gitConfigText(settings.map(([key, value]) => [key, value] as const)), { flag: 'wx' });
    return { env: setupEnv, globalConfigPath, written: Promise.resolve() };
  } catch {
    // Git edits it, or names the problem.
  }
  const env = { ...options.env, ...setupEnv };
  const written = (async () => {
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
  })();
  written.catch(() => undefined); // awaited by whoever starts the agent; meanwhile not an unhandled rejection
  return { env: setupEnv, globalConfigPath, written };
}

/**
 * A git config file holding `entries` (`section.name`, value), in git's own syntax: values quoted only where git
 * would (spaces at either end, a comment character, a quote or backslash, a newline), with its escapes. Pure.
 */
export function gitConfigText(entries: ReadonlyArray<readonly [string, string]>): string {
  const sections = new Map<string, string[]>();
  for (const [key, value] of entries) {
    const dot = key.lastIndexOf('.');
    const section = key.slice(0, dot);
    if (!sections.has(section)) sections.set(section, []);
    sections.get(section)?.push(`\t${key.slice(dot + 1)} = ${gitConfigValue(value)}`);
  }
  return [...sections].map(([section, lines]) => `[${section}]\n${lines.join('\n')}\n`).join('');
}

function gitConfigValue(value: string): string {
  const escaped = value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/\x08/g, '\\b');
  return /^\s|\s$|[#;]/.test(value) || escaped !== value ? `"${escaped}"` : value;
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
