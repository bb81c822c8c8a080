import { isIP } from 'node:net';
import { numberOption, parseCommandArgs } from '../args.js';
import { BoardAuth } from '../board/board-auth.js';
import { boardServer } from '../board/board-server.js';
import { Fleet } from '../board/fleet.js';
import { loadPageAssets } from '../board/page-assets.js';
import { ScreenRelay } from '../board/screen-relay.js';
import { type HostContext, say } from '../context.js';
import { CLI_EXIT, CliError, UsageError } from '../errors.js';
import { LABEL } from '../labels.js';

export const BOARD_DEFAULT_PORT = 7480;

/**
 * `agentgate board [--port N] [--host ADDR]`: a web page of every agent on the engine, live, where a person
 * answers their permission requests, gives them prompts and watches their screens. Loopback unless --host says
 * otherwise; the URL it prints carries the token that opens it. Runs until Ctrl-C (exit 0).
 */
export async function board(context: HostContext, args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('board', args, { port: { type: 'string', short: 'p' }, host: { type: 'string' } });
  if (positionals.length > 0) throw new UsageError(`board takes no arguments, got ${JSON.stringify(positionals[0])}`, 'agentgate board [--port N] [--host ADDR]');
  const port = numberOption('board', 'port', values.port, BOARD_DEFAULT_PORT, [0, 65535]);
  const host = values.host ?? '127.0.0.1';
  if (host !== 'localhost' && !isIP(host)) throw new UsageError(`board --host ${JSON.stringify(host)}: expected an IP address of this machine (0.0.0.0 for every one)`);
  const loopback = host === 'localhost' || host === '::1' || host.startsWith('127.');
  const assets = loadPageAssets(context.repoRoot);
  const docker = await context.engine();
  const auth = new BoardAuth(loopback);
  const fleet = new Fleet(docker, async (id) => (await docker.getContainer(id).inspect().catch(() => null))?.Config.Labels?.[LABEL.answerToken] ?? null);
  const screens = new ScreenRelay(docker);
  const server = boardServer({ docker, fleet, screens, auth, assets, env: context.env });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new CliError(`port ${port} on ${host} is in use`, 1, `choose another: agentgate board --port ${port + 1} (or --port 0 for any free one)`)
          : new CliError(`the board cannot listen on ${host}:${port}: ${error.message}`, 1),
      ),
    );
    server.listen(port, host, resolve);
  });
  const bound = server.address();
  const shown = loopback ? '127.0.0.1' : host === '0.0.0.0' || host === '::' ? 'THIS-HOST' : host;
  const url = `http://${shown.includes(':') ? `[${shown}]` : shown}:${typeof bound === 'object' && bound ? bound.port : port}/?token=${auth.token}`;
  context.stdout.write(`${url}\n`);
  say(context, `agentgate board: open the URL above${loopback ? '' : ` (published on ${host}: anyone with the URL can answer your agents)`}; Ctrl-C stops it`);
  await fleet.start();
  await new Promise<void>((resolve) => {
    context.signals.once('SIGINT', resolve);
    context.signals.once('SIGTERM', resolve);
  });
  fleet.close();
  screens.close();
  server.closeAllConnections();
  server.close();
  return CLI_EXIT.OK;
}
