import { spawn } from 'node:child_process';
import type { HostContext } from '../context.js';
import { CliError } from '../errors.js';

/**
 * `docker exec -it` with this terminal (the docker CLI handles raw mode, resizes and detach keys); resolves
 * with its exit code, 128+N when a signal ended it.
 */
export function dockerExecTty(context: HostContext, container: { id: string; container: string }, argv: readonly string[], options: { workingDir?: string } = {}): Promise<number> {
  const args = ['exec', '-it', ...(options.workingDir ? ['-w', options.workingDir] : []), container.id, ...argv];
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, { stdio: 'inherit', env: { ...context.env } });
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(new CliError(`this needs the docker command on this host (${error.code})`, 1, `install the Docker CLI, or: docker ${args.join(' ').replace(container.id, container.container)}`)),
    );
    child.on('exit', (code, signal) => resolve(code ?? 128 + (signal === 'SIGINT' ? 2 : 15)));
  });
}
