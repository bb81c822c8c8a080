import { describe, expect, it } from 'vitest';
import { agentEnvironment } from '../../cli/env-options.js';
import { UsageError } from '../../cli/errors.js';

function refusal(given: string[]): UsageError {
  try {
    agentEnvironment(given, {}, {});
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error(`${given.join(' ')} was accepted`);
}

describe('agentgate up --env', () => {
  it('names a misspelt variable in the message and the closest known one in the hint', () => {
    expect(refusal(['AGENTGATE_RESTRAT=never'])).toMatchObject({
      message: 'unknown variable AGENTGATE_RESTRAT',
      hint: 'did you mean AGENTGATE_RESTART? (agentgate help up lists the options; docs/configuration.md every variable)',
      exitCode: 2,
    });
    expect(refusal(['AGENTGATE_ZZZZZZZZZZZZZ=1']).hint).toBe('agentgate help up lists the options; docs/configuration.md every variable');
  });
});
