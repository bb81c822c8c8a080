import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../supervisor/config/load-config.js';

// The chart's bounds are the supervisor's own: a value the chart's schema takes must start the supervisor, and
// one it refuses must be one the supervisor refuses too (else the pod never gets ready, or the chart refuses what works).
const CHART = join(import.meta.dirname, '..', '..', 'deploy', 'helm', 'agentgate-agent');
const schema = JSON.parse(readFileSync(join(CHART, 'values.schema.json'), 'utf8'));
const values = parse(readFileSync(join(CHART, 'values.yaml'), 'utf8'));

const accepts = (env: Record<string, string>) => {
  try {
    loadConfig(env);
    return true;
  } catch {
    return false;
  }
};

describe("the Helm chart's values against the supervisor's config", () => {
  it('stopTimeoutMs has exactly the bounds of AGENTGATE_STOP_TIMEOUT_MS', () => {
    const { minimum, maximum, type } = schema.definitions.agent.properties.stopTimeoutMs;
    expect(type).toBe('integer');
    const stop = (ms: number) => accepts({ AGENTGATE_STOP_TIMEOUT_MS: String(ms) });
    expect([stop(minimum - 1), stop(minimum), stop(maximum), stop(maximum + 1)]).toEqual([false, true, true, false]);
  });

  it("the chart's default stop budget starts the supervisor, and the pod's grace period covers all of it", () => {
    const ms = values.agentDefaults.stopTimeoutMs;
    const config = loadConfig({ AGENTGATE_STOP_TIMEOUT_MS: String(ms) });
    // The chart's terminationGracePeriodSeconds: the budget rounded up to whole seconds.
    expect(Math.ceil(ms / 1000) * 1000).toBeGreaterThanOrEqual(config.stopBudgetMs);
  });

  it("the egress proxy's probes ask the supervisor's default health port", () => {
    const port = loadConfig({}).health.port;
    const template = readFileSync(join(CHART, 'templates', 'egress-proxy.yaml'), 'utf8');
    const probed = [...template.matchAll(/http:\/\/127\.0\.0\.1:(\d+)\//g)].map((m) => Number(m[1]));
    expect(probed.length).toBeGreaterThan(0);
    for (const p of probed) expect(p).toBe(port);
  });
});
