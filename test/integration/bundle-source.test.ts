import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUNDLE } from '../helpers/supervisor-process.js';

// V8 keeps a script's source for lazy compilation, at one byte a character when all of it is Latin-1 and two
// when a single character is not: one arrow in a regex doubled the 350 KB the supervisor holds (issue 19).
describe('the bundles the image runs', () => {
  it.each([BUNDLE, resolve(BUNDLE, '../egress-proxy.cjs')])('%s is ASCII, so Node holds its source at one byte a character', (file) => {
    const text = readFileSync(file, 'utf8');
    const outside = [...text.matchAll(/[^\x00-\x7f]/g)].map((m) => text.slice(Math.max(0, (m.index ?? 0) - 30), (m.index ?? 0) + 10));
    expect(outside).toEqual([]);
  });
});
