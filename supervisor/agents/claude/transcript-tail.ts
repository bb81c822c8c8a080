import { type FSWatcher, closeSync, fstatSync, openSync, readSync, watch } from 'node:fs';
import { resolve, sep } from 'node:path';
import type { Logger } from '../../log/logger.js';

const MAX_TEXT_CHARS = 4000;
const MAX_READ_BYTES = 4 * 1024 * 1024;

/**
 * AGENTGATE_TRANSCRIPT: Claude's own transcript lines (role and text) as one `transcript` log event per
 * message, so that `docker logs` shows the conversation. Claude names its transcript in every hook's input
 * (`transcript_path`); from then on the file is watched (inotify, no polling), since Claude writes a message
 * after the hook that announced it, and the new lines are read from where the last read ended. Only files
 * under Claude's own projects directory are read, so a hook body cannot make the supervisor log another file.
 */
export class TranscriptTail {
  private readonly offsets = new Map<string, number>();
  private readonly root: string;
  private watched: { path: string; watcher: FSWatcher } | null = null;

  constructor(
    stateDir: string,
    private readonly scrub: (text: string) => string,
    private readonly log: Logger,
  ) {
    this.root = resolve(stateDir, 'projects') + sep;
  }

  onHook(body: Record<string, unknown>): void {
    const given = body.transcript_path;
    if (typeof given !== 'string' || !given.endsWith('.jsonl')) return;
    const path = resolve(given);
    if (!path.startsWith(this.root)) return;
    this.watch(path);
    this.logNewMessages(path);
  }

  close(): void {
    this.watched?.watcher.close();
    this.watched = null;
  }

  private watch(path: string): void {
    if (this.watched?.path === path) return;
    try {
      const watcher = watch(path, { persistent: false }, () => this.logNewMessages(path));
      watcher.on('error', () => this.close());
      this.watched?.watcher.close();
      this.watched = { path, watcher };
    } catch {
      // not written yet: the next hook tries again
    }
  }

  private logNewMessages(path: string): void {
    for (const line of this.readNewLines(path)) {
      const message = messageOf(line);
      if (message) this.log.info({ role: message.role, text: this.scrub(message.text) }, 'transcript');
    }
  }

  private readNewLines(path: string): string[] {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      return [];
    }
    try {
      const size = fstatSync(fd).size;
      const from = this.offsets.get(path) ?? 0;
      const length = Math.min(size - from, MAX_READ_BYTES);
      if (length <= 0) return [];
      const buffer = Buffer.alloc(length);
      readSync(fd, buffer, 0, length, from);
      const text = buffer.toString('utf8');
      // Only whole lines: a line Claude is still writing is read next time.
      const end = text.lastIndexOf('\n');
      if (end < 0) return [];
      this.offsets.set(path, from + Buffer.byteLength(text.slice(0, end + 1)));
      return text.slice(0, end).split('\n');
    } finally {
      closeSync(fd);
    }
  }
}

/** A transcript line's role and text, when it is a user or assistant message with text in it. */
export function messageOf(line: string): { role: string; text: string } | null {
  let entry: any;
  try {
    entry = JSON.parse(line);
  } catch {
    return null;
  }
  const role = entry?.message?.role;
  if (role !== 'user' && role !== 'assistant') return null;
  const content = entry.message.content;
  const texts = typeof content === 'string' ? [content] : Array.isArray(content) ? content.filter((c: any) => c?.type === 'text').map((c: any) => String(c.text)) : [];
  const text = texts.join('\n').trim();
  if (!text) return null;
  return { role, text: text.length > MAX_TEXT_CHARS ? `${text.slice(0, MAX_TEXT_CHARS)}…` : text };
}
