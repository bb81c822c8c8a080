import type { PendingDecision } from '../../supervisor/contract/events.js';
import type { HealthReport } from '../../supervisor/contract/health-report.js';
import type { PendingEgressAsk } from '../../supervisor/contract/proxy-report.js';
import type { AgentContainer } from '../engine/agents.js';
import { type Urgency, reasonOf, urgencyOf } from '../format/urgency.js';

/** The most pending decisions one agent's card carries: a storm of them must not grow every page's update. */
export const BOARD_MAX_DECISIONS = 20;
/** The most pending decisions kept per agent, whatever its supervisor sends (it holds at most 64 itself). */
const KEPT_MAX_DECISIONS = 1024;

/** One agent as the board's page shows it (the `fleet` event's items). */
export interface BoardAgent {
  name: string;
  container: string;
  agent: string;
  kind: AgentContainer['kind'];
  running: boolean;
  dockerState: string;
  workspace: string | null;
  attach: string;
  state: Urgency;
  /** Since when it is in its state (epoch ms), when the supervisor says. */
  sinceMs: number | null;
  why: string | null;
  restarts: number | null;
  oomKills: number;
  memoryBytes: number | null;
  decisions: PendingDecision[];
  /** Pending decisions beyond BOARD_MAX_DECISIONS. */
  moreDecisions: number;
  /** Its requests its egress proxy holds for an answer (as its supervisor follows them), at most BOARD_MAX_DECISIONS. */
  egressAsks: PendingEgressAsk[];
  /** It has an answer token: the board can answer it, prompt it and show its screen. */
  answerable: boolean;
  /** Why the board cannot follow it now (its supervisor does not answer), else null. */
  unreachable: string | null;
}

/**
 * What the board knows of one agent: the engine's listing, the supervisor's last report, and the events since
 * (applied at once, so a state change reaches the page without waiting for a new report).
 */
export class AgentRecord {
  report: HealthReport | null = null;
  oomKills = 0;
  memoryBytes: number | null = null;
  unreachable: string | null = null;
  private readonly pending = new Map<string, PendingDecision>();
  private readonly asks = new Map<string, PendingEgressAsk>();

  constructor(
    public container: AgentContainer,
    readonly answerable: boolean,
  ) {}

  /** A fresh report replaces what events had patched in. */
  setReport(report: HealthReport | null): void {
    this.report = report;
    this.pending.clear();
    for (const d of report?.decisions ?? []) this.pending.set(d.id, d);
    this.asks.clear();
    for (const a of report?.pendingEgressAsks ?? []) this.asks.set(a.id, a);
  }

  /** One /events event of its supervisor; true when it changed what the page shows. */
  apply(name: string, data: Record<string, unknown>): boolean {
    if (name === 'state' && this.report && typeof data.state === 'string') {
      const sinceMs = Date.parse(String(data.at)) || Date.now();
      this.report = { ...this.report, agentState: { state: data.state, sinceMs, forMs: 0 } };
      return true;
    }
    if (name === 'decision pending' && typeof data.id === 'string') {
      if (this.pending.size >= KEPT_MAX_DECISIONS && !this.pending.has(data.id)) return false;
      this.pending.set(data.id, { id: data.id, tool: String(data.tool), summary: String(data.summary), askedAtMs: Number(data.askedAtMs), expiresAtMs: Number(data.expiresAtMs) });
      return true;
    }
    if (name === 'decision closed' && typeof data.id === 'string') return this.pending.delete(data.id);
    if (name === 'egress ask pending' && typeof data.id === 'string') {
      if (this.asks.size >= KEPT_MAX_DECISIONS && !this.asks.has(data.id)) return false;
      const { at: _at, ...ask } = data;
      this.asks.set(data.id, ask as unknown as PendingEgressAsk);
      return true;
    }
    if (name === 'egress ask closed' && typeof data.id === 'string') return this.asks.delete(data.id);
    if (name === 'oom kill' && typeof data.total === 'number') {
      this.oomKills = data.total;
      return true;
    }
    return false;
  }

  view(): BoardAgent {
    const c = this.container;
    const state = urgencyOf(this.report, c.running);
    const decisions = [...this.pending.values()].sort((a, b) => a.askedAtMs - b.askedAtMs);
    const agentState = this.report?.agentState ?? null;
    return {
      name: c.name,
      container: c.container,
      agent: c.agent,
      kind: c.kind,
      running: c.running,
      dockerState: c.dockerState,
      workspace: c.workspace,
      attach: c.attach,
      state,
      sinceMs: agentState ? agentState.sinceMs : null,
      why: reasonOf(this.report, state),
      restarts: this.report?.restarts ?? null,
      oomKills: Math.max(this.oomKills, this.report?.lastExit?.reason === 'oom-killed' ? 1 : 0),
      memoryBytes: c.running ? this.memoryBytes : null,
      decisions: decisions.slice(0, BOARD_MAX_DECISIONS),
      moreDecisions: Math.max(0, decisions.length - BOARD_MAX_DECISIONS),
      egressAsks: [...this.asks.values()].sort((a, b) => a.askedAtMs - b.askedAtMs).slice(0, BOARD_MAX_DECISIONS),
      answerable: this.answerable,
      unreachable: c.running ? this.unreachable : null,
    };
  }
}
