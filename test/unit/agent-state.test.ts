import { describe, expect, it } from 'vitest';
import { AgentStateMachine } from '../../supervisor/features/observation/state-machine.js';

const claude = () => new AgentStateMachine({ hooks: true, idleMs: 30_000 }, 0);
const other = () => new AgentStateMachine({ hooks: false, idleMs: 5000 }, 0);

describe('agent state from Claude Code hooks', () => {
  it('follows a turn: start, prompt, tools, stop', () => {
    const m = claude();
    m.agentStarted(0);
    m.hook({ name: 'SessionStart' }, 100);
    m.hook({ name: 'UserPromptSubmit' }, 200);
    m.hook({ name: 'PreToolUse' }, 300);
    m.hook({ name: 'PostToolUse' }, 400);
    m.hook({ name: 'Stop' }, 500);
    expect(m.drainChanges().map((c) => [c.previous, c.state, c.cause])).toEqual([
      ['unknown', 'starting', 'agent started'],
      ['starting', 'waiting', 'SessionStart'],
      ['waiting', 'working', 'UserPromptSubmit'],
      ['working', 'waiting', 'Stop'],
    ]);
    expect(m.since).toBe(500);
  });

  it('needs permission on a permission request or prompt, and is idle on an idle prompt', () => {
    const m = claude();
    m.hook({ name: 'UserPromptSubmit' }, 0);
    m.hook({ name: 'Notification', notificationType: 'permission_prompt' }, 10);
    expect(m.state).toBe('permission');
    m.hook({ name: 'PostToolUse' }, 20);
    m.hook({ name: 'PermissionRequest' }, 30);
    expect(m.state).toBe('permission');
    m.hook({ name: 'Stop' }, 40);
    m.hook({ name: 'Notification', notificationType: 'idle_prompt' }, 60_040);
    expect(m.state).toBe('idle');
    m.hook({ name: 'Notification', notificationType: 'auth_success' }, 60_050);
    expect(m.state).toBe('idle'); // unknown notifications change nothing
  });

  it('does not stay working forever when a turn ends without Stop (Esc, a denial)', () => {
    const m = claude();
    m.hook({ name: 'UserPromptSubmit' }, 0);
    m.screenActive(10_000); // the spinner: still working
    m.tick(39_999);
    expect(m.state).toBe('working');
    m.tick(40_000);
    expect(m.state).toBe('waiting');
    expect(m.drainChanges().pop()).toMatchObject({ cause: 'screen still', atMs: 40_000 });
  });

  it('reports a failed turn and the session end', () => {
    const m = claude();
    m.hook({ name: 'StopFailure' }, 0);
    expect(m.state).toBe('error');
    m.hook({ name: 'SessionEnd' }, 5);
    expect(m.state).toBe('stopped');
  });
});

describe('agent state from the screen and the hooks, for agents whose hooks report turns alone (Codex)', () => {
  it('takes its start from the screen and its turns from the hooks; Gemini CLI\'s hook names move it too', () => {
    const m = other();
    m.agentStarted(0);
    m.screenActive(100);
    m.tick(5100);
    m.hook({ name: 'BeforeAgent' }, 6000);
    m.hook({ name: 'BeforeTool' }, 6100);
    m.hook({ name: 'Notification', notificationType: 'tool_permission' }, 6200);
    m.hook({ name: 'AfterTool' }, 6300);
    m.screenActive(6400); // a redraw after the turn keeps it waiting: only a hook or a start moves it
    m.hook({ name: 'AfterAgent' }, 6350);
    m.screenActive(6400);
    expect(m.drainChanges().map((c) => [c.state, c.cause])).toEqual([
      ['starting', 'agent started'],
      ['working', 'screen active'],
      ['idle', 'screen still'],
      ['working', 'BeforeAgent'],
      ['permission', 'Notification tool_permission'],
      ['working', 'AfterTool'],
      ['waiting', 'AfterAgent'],
    ]);
  });
});

describe('agent state from the screen, for agents without hooks', () => {
  it('is working while the screen changes and idle once it has been still for idleMs', () => {
    const m = other();
    m.agentStarted(0);
    m.screenActive(100);
    expect(m.state).toBe('working');
    m.tick(5099);
    expect(m.state).toBe('working');
    m.tick(5100);
    expect(m.state).toBe('idle');
    m.screenActive(9000);
    expect(m.state).toBe('working');
  });

  it('goes from starting to idle when a fresh agent prints nothing', () => {
    const m = other();
    m.agentStarted(0);
    m.tick(5000);
    expect(m.state).toBe('idle');
  });

  it('marks an exit as stopped, or as error when it failed', () => {
    const m = other();
    m.agentExited(1, true);
    expect(m.state).toBe('error');
    m.agentStarted(2);
    m.agentExited(3, false);
    expect(m.state).toBe('stopped');
  });
});

describe('explainExit', () => {
  it('names an agent that cannot reach its API, or is not logged in, from its last screen lines', async () => {
    const { explainClaudeExit: explainExit } = await import('../../supervisor/agents/claude/profile.js');
    expect(explainExit([' Unable to connect to Anthropic services', ' Failed to connect to api.anthropic.com: EAI_AGAIN'])).toBe('cannot reach its API');
    expect(explainExit(['Invalid API key · Please run /login'])).toBe('not logged in');
    expect(explainExit(['all done'])).toBeNull();
    expect(explainExit([])).toBeNull();
  });
});

describe('transcript lines', () => {
  it('takes role and text from user and assistant messages, and nothing else', async () => {
    const { messageOf } = await import('../../supervisor/agents/claude/transcript-tail.js');
    expect(messageOf('{"type":"user","message":{"role":"user","content":"fix the test"}}')).toEqual({ role: 'user', text: 'fix the test' });
    expect(messageOf('{"type":"assistant","message":{"role":"assistant","content":[{"type":"text","text":"done"},{"type":"tool_use","name":"Bash"}]}}')).toEqual({ role: 'assistant', text: 'done' });
    expect(messageOf('{"type":"assistant","message":{"role":"assistant","content":[{"type":"tool_use","name":"Bash"}]}}')).toBeNull();
    expect(messageOf('{"type":"summary","summary":"x"}')).toBeNull();
    expect(messageOf('not json')).toBeNull();
  });
});
