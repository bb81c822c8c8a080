import type { HostContext } from '../context.js';
import { type AgentContainer, findAgent } from '../engine/agents.js';
import { type EgressProxyContainer, NO_PROXY_TOKEN, agentAddresses, findEgressProxy, pendingAsksFrom, proxyAnswerToken } from '../engine/egress-asks.js';
import { execIn } from '../engine/exec.js';
import { readReport } from '../engine/health.js';
import { CliError, UsageError } from '../errors.js';
import { LABEL } from '../labels.js';
import { parseCommandArgs } from '../args.js';
import type Docker from 'dockerode';
import type { PendingEgressAsk } from '../../supervisor/contract/proxy-report.js';

/** `agentgate approve NAME [ID]`: allows the agent's pending permission request or egress ask (the only one, without ID). */
export const approve = (context: HostContext, args: readonly string[]) => answer(context, 'approve', args);
/** `agentgate deny NAME [ID] [--message M]`: denies it; the message reaches the agent as the tool's error. */
export const deny = (context: HostContext, args: readonly string[]) => answer(context, 'deny', args);

const SCOPES = { once: '--once', 'for-agent': '--for-agent', always: '--always' } as const;

/**
 * Answers through the container's own `agentgate approve|deny`, run by `docker exec` as root with the answer
 * token in its environment: root's /proc/PID/environ is closed to the agent's uid, and the token never
 * appears in an argument list (those are public). The token is the container's label, which only the
 * engine's users read. An egress ask of the agent's (its request held by its egress proxy) is answered the same
 * way in the proxy's container. Exit 0 answered, 1 refused (already answered, unknown, expired: the reason is printed).
 */
async function answer(context: HostContext, verb: 'approve' | 'deny', args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(verb, args, {
    message: { type: 'string', short: 'm' },
    once: { type: 'boolean' },
    'for-agent': { type: 'boolean' },
    always: { type: 'boolean' },
  });
  const usage = `agentgate ${verb} NAME [ID]${verb === 'deny' ? ' [--message M]' : ' [--once|--for-agent|--always]'}`;
  if (positionals.length < 1 || positionals.length > 2) throw new UsageError(`${verb} takes NAME and an optional decision or egress ask ID: ${usage}`);
  if (verb === 'approve' && values.message !== undefined) throw new UsageError('approve takes no --message: a message goes with deny');
  const scopes = (Object.keys(SCOPES) as Array<keyof typeof SCOPES>).filter((s) => values[s]);
  if (scopes.length > 0 && verb === 'deny') throw new UsageError(`deny takes no ${SCOPES[scopes[0] as keyof typeof SCOPES]}: the scope is an egress approval's`);
  if (scopes.length > 1) throw new UsageError(`at most one of --once, --for-agent and --always: ${usage}`);
  const docker = await context.engine();
  const agent = await findAgent(docker, positionals[0] as string);
  if (!agent.running) throw new CliError(`${agent.name} is not running (${agent.dockerState})`, 1, `start it: agentgate start ${agent.name}`);
  const proxy = await findEgressProxy(docker, agent.id);
  const asks = proxy ? await pendingAsksFrom(docker, proxy, await agentAddresses(docker, agent.id)) : [];
  const id = positionals[1];
  let ask = id ? asks.find((a) => a.id === id) : undefined;
  if (!id && asks.length > 0) {
    const decisions = (await readReport(docker, agent.id))?.decisions ?? [];
    if (decisions.length + asks.length > 1) {
      context.stderr.write(
        `${decisions.length + asks.length} wait for an answer, name one: agentgate ${verb} ${agent.name} ID\n` +
          decisions.map((d) => `  ${d.id}  decision: ${d.tool} ${d.summary}\n`).join('') +
          asks.map((a) => `  ${a.id}  egress ask: ${describeAsk(a)} (approve also takes --once, --for-agent or --always)\n`).join(''),
      );
      return 1;
    }
    ask = decisions.length === 0 ? asks[0] : undefined;
  }
  if (ask && proxy) {
    if (values.message !== undefined) throw new UsageError('an egress ask takes no --message: the agent sees only the 403');
    const scope = scopes[0] ? [SCOPES[scopes[0]]] : [];
    return execIn(docker, proxy.id, ['agentgate', verb, ask.id, ...scope, '--by', 'host cli'], {
      stdout: context.stdout,
      stderr: context.stderr,
      user: '0',
      env: [`AGENTGATE_ANSWER_TOKEN=${proxyToken(context, proxy)}`],
    });
  }
  if (scopes.length > 0) throw new UsageError(`--once, --for-agent and --always answer egress asks: ${id ?? 'the pending item'} is none of ${agent.name}'s`);
  const token = await answerToken(docker, agent);
  const argv = ['agentgate', verb, ...(id ? [id] : []), ...(values.message !== undefined ? ['--message', values.message] : []), '--by', 'host cli'];
  return execIn(docker, agent.id, argv, { stdout: context.stdout, stderr: context.stderr, user: '0', env: [`AGENTGATE_ANSWER_TOKEN=${token}`] });
}

function describeAsk(a: PendingEgressAsk): string {
  return `${a.method} ${a.host}:${a.port}${a.path ?? ''}`;
}

function proxyToken(context: HostContext, proxy: EgressProxyContainer): string {
  const token = proxyAnswerToken(proxy, context.env);
  if (!token) throw new CliError(NO_PROXY_TOKEN.message(proxy), 1, NO_PROXY_TOKEN.hint);
  return token;
}

/** The running agent's answer token, or why it has none. */
export async function answerToken(docker: Docker, agent: AgentContainer): Promise<string> {
  if (!agent.running) throw new CliError(`${agent.name} is not running (${agent.dockerState})`, 1, `start it: agentgate start ${agent.name}`);
  const labels = (await docker.getContainer(agent.id).inspect()).Config.Labels ?? {};
  const token = labels[LABEL.answerToken];
  if (!token) {
    throw new CliError(
      `${agent.name} takes no remote answers: it has no answer token (made by compose or an agentgate before 0.3)`,
      1,
      `answer at its terminal: ${agent.attach}; or give it AGENTGATE_ANSWER_TOKEN_SHA256 and keep the token`,
    );
  }
  return token;
}
