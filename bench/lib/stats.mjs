// Summaries of repeated measurements: the median is the figure, min and max show the spread.
export function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted.at(-1), n: sorted.length };
}

/** Runs `fn` `runs` times one after another and returns its numeric results. */
export async function repeat(runs, fn) {
  const results = [];
  for (let i = 0; i < runs; i += 1) results.push(await fn(i));
  return results;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` every `everyMs` until it returns a truthy value; throws after `timeoutMs`. */
export async function until(probe, what, timeoutMs = 30_000, everyMs = 5) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (performance.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}
