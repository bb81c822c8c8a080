import { afterAll, afterEach } from 'vitest';

/**
 * Any Node warning (a deprecation, a leaked listener, an experimental API) fails the test that caused
 * it, as execa's suite does: a warning here is a bug found early, not noise. Node still prints it as well.
 */
const KEY = Symbol.for('agentgate.test.warnings');
const store = globalThis as { [KEY]?: Error[] };
// One listener per process, even if a worker runs this setup for several files.
const warnings = (store[KEY] ??= listen());

function listen(): Error[] {
  const seen: Error[] = [];
  process.on('warning', (warning) => seen.push(warning));
  return seen;
}

async function failOnWarnings(): Promise<void> {
  // Node emits a warning on a later tick than the code that caused it: let those land on this test first.
  await new Promise((resolve) => setImmediate(resolve));
  const seen = warnings.splice(0);
  if (seen.length > 0) throw new Error(`Node warned ${seen.length} time(s):\n${seen.map((w) => w.stack ?? `${w.name}: ${w.message}`).join('\n')}`);
}

afterEach(failOnWarnings);
// Warnings from a file's own afterAll hooks, after its last test.
afterAll(failOnWarnings);
