import { EventEmitter } from 'node:events';
import type Docker from 'dockerode';
import { type AgentContainer, listAgents } from '../engine/agents.js';
import { sampleReport } from '../engine/agent-sample.js';
import { readHealthLog } from '../engine/health-log.js';
import { memoryOf } from '../engine/memory.js';
import { LABEL } from '../labels.js';
import { AgentRecord, type BoardAgent } from './board-agent.js';
import { type Follow, followInContainer } from './follow-in-container.js';
import { byUrgency } from '../format/urgency.js';

/** Engine events that change the list: an agent came, went, started, stopped or changed health. */
const LIST_EVENTS = ['create', 'start', 'die', 'destroy', 'rename', 'health_status', 'pause', 'unpause'];
/** How long to wait before following a supervisor again after its stream ended while the container runs. */
const REFOLLOW_MS = 2000;
/** Memory is sampled this often, and only while a page is open. */
const MEMORY_EVERY_MS = 10_000;

/**
 * Every agent on the engine, live: the engine's event stream says when agents come and go (no listing on a
 * timer), and one `/events` stream per running agent says what it does. Emits `change` after each change. When
 * the engine goes away (a restart) it says so and reconnects, then lists again.
 */
export class Fleet extends EventEmitter {
  private readonly records = new Map<string, AgentRecord>();
  private readonly follows = new Map<string, Follow>();
  private engineError: string | null = null;
  private closed = false;
  private events: NodeJS.ReadableStream | null = null;
  private listing: Promise<void> | null = null;
  private relist = false;
  private memoryTimer: NodeJS.Timeout | null = null;
  /** Aborted on close: a probe still running in a container does not hold the stopped board open. */
  private readonly closing = new AbortController();

  constructor(
    private readonly docker: Docker,
    private readonly tokenOf: (id: string) => Promise<string | null>,
  ) {
    super();
  }

  async start(): Promise<void> {
    await this.connect();
  }

  /** What the page shows: the agents most urgent first, and the engine's trouble if any. */
  snapshot(): { agents: BoardAgent[]; engineError: string | null; atMs: number } {
    const agents = [...this.records.values()].map((r) => r.view()).sort(byUrgency);
    return { agents, engineError: this.engineError, atMs: Date.now() };
  }

  /** The container of the agent a page names (its board name), or null. */
  find(name: string): AgentContainer | null {
    for (const r of this.records.values()) if (r.container.name === name) return r.container;
    return null;
  }

  /** Samples memory while someone watches (a closed tab costs nothing). */
  watching(pages: number): void {
    if (pages > 0 && !this.memoryTimer) {
      void this.sampleMemory();
      this.memoryTimer = setInterval(() => void this.sampleMemory(), MEMORY_EVERY_MS);
      this.memoryTimer.unref();
    } else if (pages === 0 && this.memoryTimer) {
      clearInterval(this.memoryTimer);
      this.memoryTimer = null;
    }
  }

  close(): void {
    this.closed = true;
    this.closing.abort();
    if (this.memoryTimer) clearInterval(this.memoryTimer);
    (this.events as unknown as { destroy?: () => void } | null)?.destroy?.();
    for (const f of this.follows.values()) f.stop();
    this.follows.clear();
  }

  private async connect(): Promise<void> {
    for (let attempt = 0; !this.closed; attempt++) {
      try {
        const stream = (await this.docker.getEvents({ filters: { type: ['container'], label: [`${LABEL.role}=agent`], event: LIST_EVENTS } })) as NodeJS.ReadableStream;
        if (this.closed) {
          // Closed while the engine answered: a stream kept now would hold the stopped board's process open.
          (stream as unknown as { destroy?: () => void }).destroy?.();
          return;
        }
        this.events = stream;
        stream.on('data', () => this.list());
        stream.on('error', () => undefined);
        stream.on('end', () => this.lost('the engine closed its event stream'));
        stream.on('close', () => this.lost('the engine closed its event stream'));
        this.engineError = null;
        await this.list();
        return;
      } catch (error) {
        if (this.closed) return;
        this.engineError = `the Docker engine does not answer: ${(error as Error).message}`;
        this.emit('change');
        // Unref'd: a board stopped during the back-off exits at once.
        await new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 500 * 2 ** attempt)).unref());
      }
    }
  }

  private lost(reason: string): void {
    if (this.closed || !this.events) return;
    this.events = null;
    this.engineError = `${reason}; reconnecting`;
    this.emit('change');
    void this.connect();
  }

  /** Lists again; calls during a listing make one more listing after it, never a pile of them. */
  private list(): Promise<void> {
    if (this.listing) {
      this.relist = true;
      return this.listing;
    }
    this.listing = this.listOnce()
      .catch((error: unknown) => {
        this.engineError = `listing agents failed: ${(error as Error).message}`;
      })
      .finally(() => {
        this.listing = null;
        this.emit('change');
        if (this.relist) {
          this.relist = false;
          void this.list();
        }
      });
    return this.listing;
  }

  private async listOnce(): Promise<void> {
    const agents = await listAgents(this.docker);
    const seen = new Set(agents.map((a) => a.id));
    for (const [id, record] of this.records) {
      if (seen.has(id)) continue;
      this.unfollow(id);
      this.records.delete(id);
      void record;
    }
    for (const agent of agents) {
      let record = this.records.get(agent.id);
      if (!record) {
        record = new AgentRecord(agent, (await this.tokenOf(agent.id)) !== null);
        this.records.set(agent.id, record);
      }
      const wasRunning = record.container.running;
      record.container = agent;
      if (!agent.running) {
        this.unfollow(agent.id);
        record.setReport(null);
      } else if (!this.follows.has(agent.id) || !wasRunning) {
        this.follow(agent.id);
        await this.refresh(agent.id);
      }
    }
  }

  private follow(id: string): void {
    this.unfollow(id);
    // A listing still in flight when the board closed must not open a stream nobody will stop.
    if (this.closed) return;
    let refreshing: NodeJS.Timeout | null = null;
    const follow = followInContainer(this.docker, id, '/events', null, (event) => {
      const record = this.records.get(id);
      if (!record) return;
      let data: Record<string, unknown> = {};
      try {
        data = JSON.parse(event.data) as Record<string, unknown>;
      } catch {
        return;
      }
      record.unreachable = null;
      if (record.apply(event.event, data)) this.emit('change');
      // The rest (restarts, the last exit, a crash loop) comes with the next report, read once events settle.
      if (refreshing) clearTimeout(refreshing);
      refreshing = setTimeout(() => void this.refresh(id), 300);
      refreshing.unref();
    });
    this.follows.set(id, follow);
    void follow.ended.then((reason) => {
      if (this.follows.get(id) !== follow || this.closed) return;
      this.follows.delete(id);
      const record = this.records.get(id);
      if (!record?.container.running) return;
      record.unreachable = `its supervisor's /events ended (${reason}); following again`;
      this.emit('change');
      setTimeout(() => {
        if (!this.closed && this.records.get(id)?.container.running && !this.follows.has(id)) {
          this.follow(id);
          void this.refresh(id);
        }
      }, REFOLLOW_MS).unref();
    });
  }

  private unfollow(id: string): void {
    this.follows.get(id)?.stop();
    this.follows.delete(id);
  }

  private async refresh(id: string): Promise<void> {
    const record = this.records.get(id);
    if (!record) return;
    // The whole report and the memory in one exec (the probe's --sample).
    const sample = await sampleReport(this.docker, id, undefined, this.closing.signal);
    if (this.closed) return;
    record.setReport(sample.report);
    if (sample.memoryBytes !== null) record.memoryBytes = sample.memoryBytes;
    if (!record.report) record.unreachable = 'its supervisor does not answer /readyz';
    this.emit('change');
  }

  private async sampleMemory(): Promise<void> {
    await Promise.all(
      [...this.records.entries()].filter(([, r]) => r.container.running).map(async ([id, r]) => {
        // What the last health check printed (one inspect, nothing started in the container), else the engine's stats.
        r.memoryBytes = (await readHealthLog(this.docker, id, Date.now()))?.memoryBytes ?? (await memoryOf(this.docker, id));
      }),
    );
    this.emit('change');
  }
}
