import { describe, expect, it } from 'vitest';
import { StreamScrubber } from '../../supervisor/features/recording/stream-scrubber.js';

/** Feeds `chunks` through one scrubber, as a run's output would be, and joins what it let out. */
function scrubChunks(secrets: string[], chunks: string[]): string {
  const scrubber = new StreamScrubber(secrets);
  return chunks.map((c) => scrubber.push(c)).join('') + scrubber.end();
}

describe('StreamScrubber', () => {
  const secret = 'sk-ant-api03-abcdef';
  const text = `ANTHROPIC_API_KEY=${secret}\nHOME=/home/agentgate\n`;

  it('scrubs a secret split over two chunks, wherever the split falls', () => {
    for (let at = 0; at <= text.length; at++) {
      expect(scrubChunks([secret], [text.slice(0, at), text.slice(at)])).toBe('ANTHROPIC_API_KEY=[redacted]\nHOME=/home/agentgate\n');
    }
  });

  it('scrubs a secret that arrives one character at a time', () => {
    expect(scrubChunks([secret], [...text])).toBe('ANTHROPIC_API_KEY=[redacted]\nHOME=/home/agentgate\n');
  });

  it('scrubs several secrets, the longer first, across chunks', () => {
    const other = 'whsec-0123456789';
    expect(scrubChunks([secret, other], [`a ${secret.slice(0, 5)}`, `${secret.slice(5)} b whsec-01`, '23456789 c'])).toBe('a [redacted] b [redacted] c');
  });

  it('holds back only an end that could start a secret, and lets it out once it cannot', () => {
    const scrubber = new StreamScrubber([secret]);
    expect(scrubber.push('plain text')).toBe('plain text');
    expect(scrubber.push('key: sk-an')).toBe('key: ');
    expect(scrubber.push('swer')).toBe('sk-answer');
    expect(scrubber.push('ends with sk')).toBe('ends with ');
    expect(scrubber.end()).toBe('sk');
  });

  it('passes text through untouched when there are no secrets', () => {
    expect(scrubChunks([], ['sk-', 'ant'])).toBe('sk-ant');
  });
});
