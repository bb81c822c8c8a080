import { type WriteStream, createWriteStream, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { StreamScrubber } from './stream-scrubber.js';

export interface RecorderOptions {
  dir: string;
  /** All recordings together stay under this; the oldest go first. */
  maxTotalBytes: number;
  /** Secret values: the agent may print one (`env`), and no recording keeps it. */
  secrets?: readonly string[];
}

/**
 * The agent's terminal as asciicast v2 files (playable with `asciinema play`), one per agent run, from the
 * pane's output as tmux pipes it: a header line, then `[seconds, "o", text]` per chunk. A run starts on a
 * fresh screen (tmux clears a respawned pane), so replaying a file ends on the agent's last screen. The
 * header holds only the size, time and TERM: never the environment. Secret values are scrubbed, also when
 * one is split over two chunks. Files are capped exactly (the output that reaches the cap is cut there) and rotated.
 */
export class Recorder {
  private stream: WriteStream | null = null;
  private decoder = new StringDecoder('utf8');
  private scrubber: StreamScrubber;
  private startedAtMs = 0;
  private bytes = 0;
  /** The run's file reached its cap: nothing more is written to it. */
  private capped = false;
  private readonly maxFileBytes: number;
  /** Output that came before the run's file was open (a fast agent writes before its start is handled). */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private currentPath: string | null = null;
  /** What each file of ours holds, counted as written: the disk may not have all of it yet. */
  private readonly written = new Map<string, number>();

  constructor(private readonly o: RecorderOptions) {
    mkdirSync(o.dir, { recursive: true, mode: 0o700 });
    // One run may use at most half of the budget, so that a file in progress and older ones fit together.
    this.maxFileBytes = Math.max(4096, Math.floor(o.maxTotalBytes / 2));
    this.scrubber = new StreamScrubber(o.secrets ?? []);
  }

  startRun(run: number, size: { width: number; height: number }, nowMs: number): string {
    this.endRun();
    const name = `${new Date(nowMs).toISOString().replace(/[:.]/g, '-')}-run${run}.cast`;
    this.currentPath = join(this.o.dir, name);
    this.stream = createWriteStream(this.currentPath, { mode: 0o600 });
    this.stream.on('error', () => (this.stream = null)); // a full disk ends the recording, never the agent
    this.decoder = new StringDecoder('utf8');
    this.scrubber = new StreamScrubber(this.o.secrets ?? []);
    this.capped = false;
    this.startedAtMs = nowMs;
    const header = { version: 2, width: size.width, height: size.height, timestamp: Math.floor(nowMs / 1000), env: { TERM: 'tmux-256color' }, title: `agentgate run ${run}` };
    this.write(`${JSON.stringify(header)}\n`);
    this.rotate();
    const early = Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    if (early.length > 0) this.output(early, nowMs);
    return name;
  }

  output(chunk: Buffer, nowMs: number): void {
    if (!this.stream) {
      // Between runs only the next run writes: keep it (bounded) for its file.
      if (this.pendingBytes + chunk.length <= 1024 * 1024) {
        this.pending.push(chunk);
        this.pendingBytes += chunk.length;
      }
      return;
    }
    const text = this.scrubber.push(this.decoder.write(chunk));
    if (text !== '') this.event(nowMs, 'o', text);
  }

  /** The terminal's size changed (a client attached with another size): an asciicast `r` event. */
  resize(size: { width: number; height: number }, nowMs: number): void {
    if (this.stream) this.event(nowMs, 'r', `${size.width}x${size.height}`);
  }

  endRun(): void {
    if (!this.stream) return;
    const rest = this.scrubber.push(this.decoder.end()) + this.scrubber.end();
    if (rest) this.event(Date.now(), 'o', rest);
    this.stream.end();
    if (this.currentPath) this.written.set(this.currentPath, this.bytes);
    this.stream = null;
    this.currentPath = null;
    this.bytes = 0;
    this.pending = [];
    this.pendingBytes = 0;
  }

  /**
   * One asciicast event, within the file's cap: the output that does not fit whole is cut where the cap is
   * reached (JSON can make an event six times its output), and nothing follows it in this run's file.
   */
  private event(nowMs: number, kind: 'o' | 'r', data: string): void {
    if (this.capped) return;
    const room = this.maxFileBytes - this.bytes;
    const line = this.line(nowMs, kind, data);
    if (Buffer.byteLength(line) <= room) return this.write(line);
    this.capped = true;
    if (kind !== 'o') return;
    // The longest start of the output whose event fits (an event's size grows with its output's length).
    let [fits, fitsNot] = [0, data.length];
    while (fitsNot - fits > 1) {
      const middle = (fits + fitsNot) >> 1;
      if (Buffer.byteLength(this.line(nowMs, kind, data.slice(0, middle))) <= room) fits = middle;
      else fitsNot = middle;
    }
    // Never half of a surrogate pair.
    if (fits > 0 && /[\uD800-\uDBFF]/.test(data.charAt(fits - 1))) fits -= 1;
    if (fits > 0) this.write(this.line(nowMs, kind, data.slice(0, fits)));
  }

  private line(nowMs: number, kind: 'o' | 'r', data: string): string {
    return `${JSON.stringify([Number(((nowMs - this.startedAtMs) / 1000).toFixed(6)), kind, data])}\n`;
  }

  private write(line: string): void {
    this.bytes += Buffer.byteLength(line);
    this.stream?.write(line);
  }

  /** Removes the oldest recordings until the rest, with room for the current one, fit the budget. */
  private rotate(): void {
    const files = readdirSync(this.o.dir)
      .filter((f) => f.endsWith('.cast'))
      .map((f) => {
        const path = join(this.o.dir, f);
        const stat = statSync(path);
        return { path, size: Math.max(stat.size, this.written.get(path) ?? 0) };
      })
      // Names start with the run's time: their order is the runs' order, whatever the disk says of mtimes.
      .sort((a, b) => (a.path < b.path ? -1 : 1));
    let total = files.reduce((sum, f) => sum + f.size, 0) + this.maxFileBytes;
    for (const file of files.slice(0, -1)) {
      if (total <= this.o.maxTotalBytes) break;
      rmSync(file.path, { force: true });
      this.written.delete(file.path);
      total -= file.size;
    }
  }
}
