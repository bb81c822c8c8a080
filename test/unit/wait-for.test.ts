import { describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait-for.js';

/** The error a promise rejects with; a promise that resolves fails the test. */
const failureOf = (promise: Promise<unknown>): Promise<Error> =>
  promise.then(
    (value) => {
      throw new Error(`expected a timeout, got ${String(value)}`);
    },
    (error: unknown) => error as Error,
  );

describe('waitFor (the tests\' own helper)', () => {
  it('names, on timeout, the last error its probe threw, and keeps it as the cause', async () => {
    let calls = 0;
    const failure = await failureOf(waitFor(() => {
      calls += 1;
      throw new Error(`connect ECONNREFUSED (try ${calls})`);
    }, 'the port', 60));
    expect(failure.message).toMatch(/^timed out after 60 ms waiting for the port\nthe probe last threw: connect ECONNREFUSED \(try \d+\)\n$/);
    expect(failure.message).toContain(`(try ${calls})`);
    expect((failure.cause as Error).message).toBe(`connect ECONNREFUSED (try ${calls})`);
  });

  it('says nothing of errors when the probe only returned nothing, and adds the context', async () => {
    const failure = await failureOf(waitFor(() => false, 'a file', 30, () => 'the log so far'));
    expect(failure.message).toBe('timed out after 30 ms waiting for a file\nthe log so far');
    expect(failure.cause).toBeUndefined();
  });

  it('returns the first value that counts, after errors and empty values', async () => {
    const answers: Array<() => string> = [() => { throw new Error('not yet'); }, () => '', () => 'ready'];
    expect(await waitFor(() => (answers.shift() as () => string)(), 'ready')).toBe('ready');
  });
});
