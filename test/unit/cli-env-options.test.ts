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

  it("passes the selected agent's keys from the shell, and no other agent's", () => {
    const shell = { ANTHROPIC_API_KEY: 'a', OPENAI_API_KEY: 'o', GEMINI_API_KEY: 'g', GOOGLE_GENERATIVE_AI_API_KEY: 'gg', GH_TOKEN: 'h', HOME: '/root' };
    const names = (agent?: string, given: string[] = []) => agentEnvironment(given, shell, { AGENTGATE_AGENT: agent }).map((pair) => pair.split('=')[0]).sort();
    expect(names()).toEqual(['ANTHROPIC_API_KEY']);
    expect(names('codex')).toEqual(['AGENTGATE_AGENT', 'OPENAI_API_KEY']);
    expect(names('gemini')).toEqual(['AGENTGATE_AGENT', 'GEMINI_API_KEY']);
    expect(names('copilot')).toEqual(['AGENTGATE_AGENT', 'GH_TOKEN']);
    expect(names('opencode')).toEqual(['AGENTGATE_AGENT', 'ANTHROPIC_API_KEY', 'GEMINI_API_KEY', 'GOOGLE_GENERATIVE_AI_API_KEY', 'OPENAI_API_KEY']);
    // A command of your own: Claude's, as before there were presets; --env AGENTGATE_AGENT counts as --agent.
    expect(names('sleep 100')).toEqual(['AGENTGATE_AGENT', 'ANTHROPIC_API_KEY']);
    expect(names(undefined, ['AGENTGATE_AGENT=codex'])).toEqual(['AGENTGATE_AGENT', 'OPENAI_API_KEY']);
  });
});
