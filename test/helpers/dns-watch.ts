import { type ChildProcess, spawn } from 'node:child_process';
import { type Socket, createSocket } from 'node:dgram';
import { expect } from 'vitest';
import { waitFor } from './wait-for.js';

/** The made-up names askMadeUpNames has the agent ask, for a capture or a resolver to look for. */
export const madeUpNames = (id: string) => new RegExp(`leak-[abc]-${id}`);

/**
 * Has an agent behind the egress proxy ask for made-up names the three ways a name could leave it: its own
 * resolver, a direct connection, and through the proxy (which refuses it, 403, before any lookup). Each must
 * fail; what the names must never reach is for the caller to check.
 */
export function askMadeUpNames(inAgent: (shellCommand: string) => { stdout: string }, id: string): void {
  expect(inAgent(`getent hosts leak-a-${id}.example || echo unresolved`).stdout.trim()).toBe('unresolved');
  expect(inAgent(`curl -s -m 3 --noproxy '*' -o /dev/null -w '%{http_code}' http://leak-b-${id}.example/`).stdout).toBe('000');
  expect(inAgent(`curl -s -m 5 -o /dev/null -w '%{http_code}' http://leak-c-${id}.example/`).stdout).toBe('403');
}

/** The name asked in a DNS query packet (the first question), or null when it is not one. */
export function queryName(packet: Buffer): string | null {
  if (packet.length < 13) return null;
  const labels: string[] = [];
  let at = 12;
  while (at < packet.length) {
    const length = packet[at] as number;
    if (length === 0) return labels.join('.');
    if (length > 63 || at + 1 + length > packet.length) return null;
    labels.push(packet.subarray(at + 1, at + 1 + length).toString('latin1'));
    at += 1 + length;
  }
  return null;
}

/**
 * A resolver of the test's own on `address`:53 (UDP): it remembers every name asked and answers NXDOMAIN (or
 * `rcode`: 2 is SERVFAIL, what getaddrinfo reports as EAI_AGAIN), or nothing with `answer: false` (where a
 * query's source may be an address this machine cannot route back to).
 */
export class RecordingResolver {
  readonly names: string[] = [];
  private socket: Socket | null = null;

  constructor(private readonly options: { answer: boolean; rcode?: number } = { answer: true }) {}

  async start(address: string): Promise<void> {
    const socket = createSocket('udp4');
    this.socket = socket;
    socket.on('message', (packet, from) => {
      const name = queryName(packet);
      if (!name) return;
      this.names.push(name);
      if (!this.options.answer) return;
      // The query sent back as a response (QR set), with no records and RCODE 3 (the name does not exist) or the one asked.
      const reply = Buffer.from(packet);
      reply[2] = ((reply[2] as number) | 0x80) & 0xf9;
      reply[3] = 0x80 | (this.options.rcode ?? 3);
      socket.send(reply, from.port, from.address);
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(53, address, () => resolve());
    });
  }

  stop(): void {
    this.socket?.close();
  }
}

/**
 * tcpdump on every interface of the host (-i any: the uplink, loopback, every bridge and container veth), port
 * 53, printing each packet's bytes: what a DNS query leaving any container for anywhere would show up in.
 */
export class DnsCapture {
  private child: ChildProcess | null = null;
  private text = '';

  async start(): Promise<void> {
    const child = spawn('tcpdump', ['-i', 'any', '-n', '-l', '-U', '-s', '0', '-A', 'port 53'], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let err = '';
    // tcpdump missing (spawn ENOENT) is then the probe's error in waitFor's message, not an uncaught exception.
    let failed: Error | null = null;
    child.on('error', (error) => (failed = error));
    child.stdout?.on('data', (d: Buffer) => (this.text += d.toString('latin1')));
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    await waitFor(() => {
      if (failed) throw failed;
      return err.includes('listening on');
    }, 'tcpdump listening', 10_000, () => err);
  }

  /** Everything captured so far, as text (names appear in the packets' printable bytes). */
  get captured(): string {
    return this.text;
  }

  stop(): void {
    this.child?.kill('SIGTERM');
  }
}
