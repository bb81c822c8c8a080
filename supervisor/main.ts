import { answerDecision } from './commands/answer-decision.js';
import { runClient } from './commands/client.js';
import { typePrompt } from './commands/type-prompt.js';
import { type Invocation, USAGE, parseInvocation } from './commands/invocation.js';
import { supervise } from './commands/supervise.js';
import { EXIT, SupervisorError } from './errors.js';
import { formatErrorForPeople, formatFatalLine } from './log/people-error.js';
import { type Runtime, readRuntime } from './runtime/context.js';
import { startNowOrFromSnapshot } from './runtime/startup-snapshot.js';
import { VERSION } from './version.js';

/**
 * The composition root: the only place that reads the process (its environment, uid, signals), changes its
 * directory or exits. It turns the arguments into an invocation and hands it, with the host's facts, to
 * its command.
 */
async function main(runtime: Runtime, args: readonly string[]): Promise<number> {
  let invocation: Invocation;
  try {
    invocation = parseInvocation(args);
  } catch (error) {
    if (!(error instanceof SupervisorError)) throw error;
    runtime.stderr.write(formatErrorForPeople(error.message, runtime.secrets));
    return error.exitCode;
  }
  switch (invocation.kind) {
    case 'version':
      return print(runtime, VERSION);
    case 'help':
      return print(runtime, USAGE);
    case 'health':
    case 'status':
    case 'attach':
    case 'ssh-session':
      return runClient(runtime, invocation);
    case 'answer':
      return answerDecision(runtime, invocation);
    case 'prompt':
      return typePrompt(runtime, invocation);
    case 'run':
    case 'command':
    case 'proxy':
      // Children (tmux, git, the agent's launcher) must not inherit the workspace as their working
      // directory: a workspace that turns unreadable would stop every spawn.
      process.chdir('/');
      return supervise(runtime, invocation);
  }
}

function print(runtime: Runtime, text: string): number {
  runtime.stdout.write(`${text}\n`);
  return 0;
}

startNowOrFromSnapshot((from, argsFrom) => {
  // The bundle's banner (scripts/build.mjs) skips this while a snapshot is built (a snapshot cannot hold a signal
  // handler): from the blob, it is the first thing done.
  if (from === 'snapshot') process.on('SIGUSR1', () => {});
  const runtime = readRuntime(process, from);

  // A bug must still end with the documented code and one scrubbed log line, not a bare stack trace and exit 1.
  for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
    process.on(event, (error: unknown) => {
      process.stderr.write(formatFatalLine(event, error, runtime.secrets));
      process.exit(EXIT.INTERNAL);
    });
  }

  main(runtime, process.argv.slice(argsFrom)).then(
    (code) => {
      process.exitCode = code;
      // Children (tmux clients, timers) must not keep a stopped supervisor alive.
      setImmediate(() => process.exit(code));
    },
    (error: unknown) => {
      process.stderr.write(formatFatalLine('main', error, runtime.secrets));
      process.exit(EXIT.INTERNAL);
    },
  );
});
