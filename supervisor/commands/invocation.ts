import { UsageError } from '../errors.js';

/** How far an approval of an egress ask reaches (`--once`, `--for-agent`, `--always`): the proxy's container only. */
export type EgressScope = 'once' | 'agent' | 'always';

export type Invocation =
  | { kind: 'run' }
  | { kind: 'command'; argv: string[] }
  | { kind: 'health'; json: boolean; live: boolean }
  | { kind: 'status' }
  | { kind: 'attach'; readOnly: boolean }
  | { kind: 'ssh-session'; readOnly: boolean }
  | { kind: 'proxy' }
  | { kind: 'prompt'; text: string | null; by: string }
  | { kind: 'answer'; behavior: 'allow' | 'deny'; id: string | null; message: string | null; by: string; scope: EgressScope | null }
  | { kind: 'version' }
  | { kind: 'help' };

export const USAGE = `usage: agentgate                     supervise the agent in tmux (keep-alive when AGENTGATE_AGENT=none)
       agentgate <command> [args]      run one command (put -- first if it is named like a subcommand)
       agentgate attach [--read-only]  attach to the agent's tmux session (detach with Ctrl-b d)
       agentgate status                the health report for people
       agentgate proxy                 the egress allowlist proxy (AGENTGATE_EGRESS_ALLOW)
       agentgate approve|deny [ID] [--message M]
                                       answer a pending decision (token in AGENTGATE_ANSWER_TOKEN); in the
                                       egress proxy's container an egress ask: approve ID [--for-agent|--always]
       agentgate prompt [TEXT]          type TEXT (or stdin) into the waiting agent's session (token as above)
       agentgate health [--json]       exit 0 when healthy, 1 when not, with one line saying why
       agentgate health --live         exit 0 while the supervisor answers (a liveness probe), 1 when not
       agentgate version | help`;

/** What the supervisor was asked to do, from its arguments (after `node bundle.js`). */
export function parseInvocation(args: readonly string[]): Invocation {
  const [first, ...rest] = args;
  if (first === undefined) return { kind: 'run' };
  if (first === '--') return rest.length > 0 ? { kind: 'command', argv: rest } : { kind: 'run' };
  if (first === '--version' || first === 'version') return noArguments(first, rest, { kind: 'version' });
  if (first === '--help' || first === '-h' || first === 'help') return noArguments(first, rest, { kind: 'help' });
  if (first === 'health') {
    const unknown = rest.filter((a) => a !== '--json' && a !== '--live');
    if (unknown.length > 0) throw new UsageError(`health: unknown argument ${JSON.stringify(unknown[0])}; expected --json or --live\n${USAGE}`);
    return { kind: 'health', json: rest.includes('--json'), live: rest.includes('--live') };
  }
  if (first === 'status') return noArguments(first, rest, { kind: 'status' });
  if (first === 'proxy') return noArguments(first, rest, { kind: 'proxy' });
  if (first === 'approve' || first === 'deny') return parseAnswer(first, rest);
  if (first === 'prompt') return parsePrompt(rest);
  // What sshd runs for every login (the forced command in its authorized_keys); not for people to type.
  if (first === 'ssh-session') return { kind: 'ssh-session', readOnly: rest.includes('--read-only') };
  if (first === 'attach') {
    const unknown = rest.filter((a) => a !== '--read-only' && a !== '-r');
    if (unknown.length > 0) throw new UsageError(`attach: unknown argument ${JSON.stringify(unknown[0])}; expected --read-only\n${USAGE}`);
    return { kind: 'attach', readOnly: rest.length > 0 };
  }
  return { kind: 'command', argv: [first, ...rest] };
}

function noArguments(name: string, rest: readonly string[], invocation: Invocation): Invocation {
  if (rest.length > 0) throw new UsageError(`${name} takes no arguments, got ${JSON.stringify(rest[0])}\n${USAGE}`);
  return invocation;
}

/** `approve|deny [ID] [--message M] [--by LABEL]`: `--by` names the channel (the host command says `host cli`). */
function parseAnswer(first: 'approve' | 'deny', rest: readonly string[]): Invocation {
  let id: string | null = null;
  let message: string | null = null;
  let by = 'container cli';
  let scope: EgressScope | null = null;
  const scopes: Record<string, EgressScope> = { '--once': 'once', '--for-agent': 'agent', '--always': 'always' };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] as string;
    if (arg in scopes && first === 'approve' && scope === null) scope = scopes[arg] as EgressScope;
    else if ((arg === '--message' || arg === '-m' || arg === '--by') && i + 1 < rest.length) {
      const value = rest[++i] as string;
      if (arg === '--by') by = value;
      else message = value;
    } else if (/^[0-9a-f]{1,32}$/.test(arg) && id === null) id = arg;
    else throw new UsageError(`${first}: unexpected argument ${JSON.stringify(arg)}; expected [ID] [--message M]\n${USAGE}`);
  }
  if (message !== null && first === 'approve') throw new UsageError('approve takes no --message: a message goes with deny');
  return { kind: 'answer', behavior: first === 'approve' ? 'allow' : 'deny', id, message, by, scope };
}

/** `prompt [TEXT] [--by LABEL]`: without TEXT the prompt is read from stdin (private text stays out of argv). */
function parsePrompt(rest: readonly string[]): Invocation {
  const by = rest.indexOf('--by');
  const args = by === -1 ? [...rest] : [...rest.slice(0, by), ...rest.slice(by + 2)];
  if (args.length > 1) throw new UsageError(`prompt takes one TEXT (quote it) or none to read stdin, got ${args.length}\n${USAGE}`);
  return { kind: 'prompt', text: args[0] ?? null, by: by === -1 ? 'container cli' : (rest[by + 1] ?? 'container cli') };
}
