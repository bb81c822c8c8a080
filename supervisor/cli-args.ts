import { UsageError } from './errors.js';

export type Invocation =
  | { kind: 'run' }
  | { kind: 'command'; argv: string[] }
  | { kind: 'health'; json: boolean }
  | { kind: 'status' }
  | { kind: 'version' }
  | { kind: 'help' };

export const USAGE = `usage: agentgate                 supervise the agent in tmux (keep-alive when AGENTGATE_AGENT=none)
       agentgate <command> [args]  run one command (use -- first if it is named health or status)
       agentgate health [--json]   exit 0 when healthy, 1 when not, with one line saying why
       agentgate status            the health report for people
       agentgate --version | --help`;

/** What the supervisor was asked to do, from its arguments (after `node bundle.js`). */
export function parseInvocation(args: readonly string[]): Invocation {
  const [first, ...rest] = args;
  if (first === undefined) return { kind: 'run' };
  if (first === '--') return rest.length > 0 ? { kind: 'command', argv: rest } : { kind: 'run' };
  if (first === '--version') return { kind: 'version' };
  if (first === '--help' || first === '-h') return { kind: 'help' };
  if (first === 'health') {
    const unknown = rest.filter((a) => a !== '--json');
    if (unknown.length > 0) throw new UsageError(`health: unknown argument ${JSON.stringify(unknown[0])}; expected --json\n${USAGE}`);
    return { kind: 'health', json: rest.includes('--json') };
  }
  if (first === 'status') {
    if (rest.length > 0) throw new UsageError(`status takes no arguments, got ${JSON.stringify(rest[0])}\n${USAGE}`);
    return { kind: 'status' };
  }
  return { kind: 'command', argv: [first, ...rest] };
}
