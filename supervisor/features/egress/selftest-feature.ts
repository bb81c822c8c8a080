import { StartupError } from '../../errors.js';
import type { Check } from '../../contract/health-report.js';
import type { FeatureFactory } from '../feature.js';
import { testEgressIsolation } from './egress-selftest.js';

/**
 * AGENTGATE_EGRESS_SELFTEST: does the isolation really hold? In the background (`on`: health says so while it
 * runs and after), or before the agent starts (`strict`: a failure is a failed start).
 */
export const checkEgressIsolation: FeatureFactory = ({ config, runtime, log }) => {
  const { mode, probe } = config.egressSelfTest;
  if (mode === 'off') return null;
  let check: Check = { ok: false, reason: 'egress self-test running' };
  return {
    report: () => ({ egress: check }),
    start: async (agentEnv) => {
      const run = testEgressIsolation({
        probe,
        proxyUrl: agentEnv.HTTPS_PROXY ?? agentEnv.https_proxy ?? null,
        randomName: `selftest-${runtime.pid}-${Date.now()}.agentgate.invalid`,
      }).then((result) => {
        check = result;
        if (result.ok) log.info({ reason: result.reason }, 'egress isolated');
        else log.error({ reason: result.reason }, 'egress NOT isolated');
        return result;
      });
      if (mode === 'strict') {
        const result = await run;
        if (!result.ok) throw new StartupError(`egress self-test failed (AGENTGATE_EGRESS_SELFTEST=strict): ${result.reason}`);
      }
    },
  };
};
