import type Docker from 'dockerode';
import type { ServerResponse } from 'node:http';
import { EventStream } from '../../supervisor/features/observation/event-stream.js';
import { answerToken } from '../commands/answer.js';
import type { AgentContainer } from '../engine/agents.js';
import { type Follow, followInContainer } from './follow-in-container.js';

interface Relay {
  stream: EventStream;
  follow: Follow;
  last: unknown;
}

/**
 * The agents' screens for the board's pages: one `/screen?follow=1` stream per agent however many pages show
 * it, opened by the first page and closed with the last (an unwatched agent's screen is never captured).
 */
export class ScreenRelay {
  private readonly relays = new Map<string, Relay>();
  private closed = false;

  constructor(private readonly docker: Docker) {}

  async attach(agent: AgentContainer, res: ServerResponse): Promise<void> {
    let relay = this.relays.get(agent.id);
    if (!relay) {
      const token = await answerToken(this.docker, agent);
      // The board stopped while the token was read: open nothing it would not close.
      if (this.closed) {
        res.end();
        return;
      }
      const stream = new EventStream();
      const made: Relay = { stream, last: null, follow: followInContainer(this.docker, agent.id, '/screen?follow=1', token, (event) => {
        if (event.event !== 'screen') return;
        try {
          made.last = JSON.parse(event.data);
        } catch {
          return;
        }
        stream.publish('screen', made.last);
      }) };
      relay = made;
      this.relays.set(agent.id, made);
      void made.follow.ended.then((reason) => {
        if (this.relays.get(agent.id) !== made) return;
        this.relays.delete(agent.id);
        stream.publish('ended', { reason });
        stream.close();
      });
    }
    const current = relay;
    current.stream.attach(res, { name: 'hello', data: { agent: agent.name } });
    if (current.last) res.write(`event: screen\ndata: ${JSON.stringify(current.last)}\n\n`);
    res.on('close', () => {
      if (current.stream.listeners > 0 || this.relays.get(agent.id) !== current) return;
      this.relays.delete(agent.id);
      current.follow.stop();
    });
  }

  close(): void {
    this.closed = true;
    for (const relay of this.relays.values()) {
      relay.follow.stop();
      relay.stream.close();
    }
    this.relays.clear();
  }
}
