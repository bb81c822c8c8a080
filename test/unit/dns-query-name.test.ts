import { describe, expect, it } from 'vitest';
import { queryName } from '../helpers/dns-watch.js';

describe('queryName (the test resolver\'s reading of a DNS query)', () => {
  it('reads the first question\'s name, and refuses what is not a query', () => {
    const header = Buffer.from([0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0]);
    const question = Buffer.from([7, ...Buffer.from('control'), 7, ...Buffer.from('example'), 0, 0, 1, 0, 1]);
    expect(queryName(Buffer.concat([header, question]))).toBe('control.example');
    expect(queryName(header)).toBeNull();
    expect(queryName(Buffer.concat([header, Buffer.from([9, 0x61])]))).toBeNull();
  });
});
