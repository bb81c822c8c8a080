import type Docker from 'dockerode';
import type { ReportDigest } from '../../supervisor/contract/report-digest.js';
import { parseCommandArgs } from '../args.js';
import type { HostContext } from '../context.js';
import { type AgentContainer, listAgents } from '../engine/agents.js';
import { sampleDigest } from '../engine/agent-sample.js';
import { readHealthLog } from '../engine/health-log.js';
import { memoryOf } from '../engine/memory.js';
import { CLI_EXIT, UsageError } from '../errors.js';
import { shortDuration, table } from '../format/table.js';
import { type Urgency, byUrgency, reasonOf, urgencyOf } from '../format/urgency.js';

export interface AgentRow {
  name: string;
  state: Urgency;
  /** How long it has been in that state (ms), when the supervisor says. */
  forMs: number | null;
  agent: string;
  restarts: number | null;
  memoryBytes: number | null;
  workspace: string | null;
  attach: string;
  kind: AgentContainer['kind'];
  container: string;
  /** Docker's own health status (healthy, unhealthy, starting) or the container's state. */
  health: string;
  /** The supervisor's phase (running, backoff, failed, ...), when it answers. */
  phase: string | null;
  /** Why, when the state has a reason: the failed start's message, the last exit's cause. */
  why: string | null;
  /** When what the row says was read (ms since the epoch): the last health check's end, or now with --live. */
  asOfMs: number | null;
}

/** `agentgate ls`: every agent on the engine, most urgent first. */
export async function ls(context: HostContext, args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('ls', args, { json: { type: 'boolean' }, live: { type: 'boolean' } });
  if (positionals.length > 0) throw new UsageError(`ls takes no arguments, got ${JSON.stringify(positionals[0])}`);
  const docker = await context.engine();
  const rows = await agentRows(docker, { live: Boolean(values.live) });
  if (values.json) context.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  else if (rows.length === 0) context.stdout.write('no agents on this engine (start one: agentgate up [DIR])\n');
  else context.stdout.write(`${table(['name', 'state', 'for', 'agent', 'restarts', 'memory', 'workspace', 'attach'], rows.map(display))}\n`);
  return CLI_EXIT.OK;
}

/**
 * Each running agent as its last health check saw it (Docker's health log: one inspect, no process started in
 * the container); as it answers now (one exec into it) with `live`, or when its health log has no digest.
 */
export async function agentRows(docker: Docker, options: { live?: boolean } = {}): Promise<AgentRow[]> {
  const agents = await listAgents(docker);
  const rows = await Promise.all(
    agents.map(async (a) => {
      if (!a.running) return row(a, null, null, null);
      const logged = options.live ? null : await readHealthLog(docker, a.id, Date.now());
      if (logged) return row(a, logged.digest, logged.memoryBytes ?? (await memoryOf(docker, a.id)), logged.atMs);
      const sample = await sampleDigest(docker, a.id);
      return row(a, sample.report, sample.memoryBytes ?? (await memoryOf(docker, a.id)), Date.now());
    }),
  );
  return rows.sort(byUrgency);
}

function row(a: AgentContainer, report: ReportDigest | null, memoryBytes: number | null, asOfMs: number | null): AgentRow {
  const state = urgencyOf(report, a.running);
  const why = reasonOf(report, state);
  return {
    name: a.name,
    state,
    // From when the state began, so a record from the last health check still says how long it has lasted.
    forMs: report?.agentState ? Math.max(0, Date.now() - report.agentState.sinceMs) : null,
    agent: a.agent,
    restarts: report?.restarts ?? null,
    memoryBytes,
    workspace: a.workspace,
    attach: a.attach,
    kind: a.kind,
    container: a.container,
    health: a.health,
    phase: report?.phase ?? null,
    why,
    asOfMs,
  };
}

function display(r: AgentRow): Record<string, string> {
  return {
    name: r.name,
    state: r.why ? `${r.state} (${r.why})` : r.state,
    for: r.forMs === null ? '-' : shortDuration(r.forMs),
    agent: r.agent,
    restarts: r.restarts === null ? '-' : String(r.restarts),
    memory: r.memoryBytes === null ? '-' : `${Math.round(r.memoryBytes / 2 ** 20)}MiB`,
    workspace: r.workspace ?? '-',
    attach: r.attach,
  };
}
