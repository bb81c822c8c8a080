import { VERSION } from '../supervisor/version.js';
import { approve, deny } from './commands/answer.js';
import { attach } from './commands/attach.js';
import { board } from './commands/board.js';
import { exec } from './commands/exec.js';
import { prune } from './commands/prune.js';
import { rm } from './commands/rm.js';
import { start } from './commands/start.js';
import { stop } from './commands/stop.js';
import { logs } from './commands/logs.js';
import { ls } from './commands/ls.js';
import { prompt } from './commands/prompt.js';
import { status } from './commands/status.js';
import { UP_USAGE, up } from './commands/up.js';
import { type HostContext, readHostContext } from './context.js';
import { CLI_EXIT, CliError } from './errors.js';

type Command = (context: HostContext, args: readonly string[]) => Promise<number>;

const COMMANDS: Record<string, Command> = { up, ls, attach, logs, status, exec, approve, deny, prompt, board, stop, start, rm, prune };

const USAGE = `usage: agentgate <command> [args]
${UP_USAGE}
agentgate ls [--json] [--live]         every agent on the engine, most urgent first
agentgate attach NAME [--read-only]    the agent's session in this terminal (detach: Ctrl-b d)
agentgate logs NAME [-f] [--json] [--tail N]  the supervisor's log
agentgate status NAME                  its health report
agentgate approve NAME [ID]            allow its pending permission request or egress ask (the only one without ID)
agentgate deny NAME [ID] [-m MESSAGE]  deny it; the message reaches the agent
agentgate prompt NAME "TEXT" | -       its next prompt, typed while it waits (- reads stdin)
agentgate board [--port N] [--host ADDR]  a live web page of every agent: answer, prompt, watch
agentgate exec NAME [-t] -- CMD...     one command in its container (exit code passed through; -t: in this terminal)
agentgate stop NAME | start NAME       stop gracefully | start and wait until healthy
agentgate rm NAME [--volumes]          remove it (its state volume only with --volumes)
agentgate prune [--volumes]            remove every stopped agent that up made
agentgate version | help
exit codes: 0 done, 1 failed (the message says why), 2 usage, 69 no Docker engine, 70 a bug, 130 interrupted`;

async function main(context: HostContext, args: readonly string[]): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    context.stdout.write(`${USAGE}\n`);
    return name === undefined ? CLI_EXIT.USAGE : CLI_EXIT.OK;
  }
  if (name === 'version' || name === '--version') {
    context.stdout.write(`${VERSION}\n`);
    return CLI_EXIT.OK;
  }
  const command = COMMANDS[name];
  if (!command) throw new CliError(`unknown command ${JSON.stringify(name)}`, CLI_EXIT.USAGE, `the commands: ${Object.keys(COMMANDS).join(', ')} (agentgate help)`);
  return command(context, rest);
}

const context = readHostContext(process);
main(context, process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof CliError) {
      process.stderr.write(`agentgate: ${error.message}\n${error.hint ? `  ${error.hint}\n` : ''}`);
      process.exitCode = error.exitCode;
      return;
    }
    process.stderr.write(`agentgate: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = CLI_EXIT.INTERNAL;
  },
);
