import { describe, expect, it } from 'vitest';
import { EXIT, StartupError } from '../../supervisor/errors.js';

describe('an error with a hint', () => {
  it('keeps the problem and the fix apart for the log, and reads as one sentence for people', () => {
    const error = new StartupError('tmux is not installed or not on PATH (/usr/bin)', { hint: 'install tmux >= 3.2' });
    expect(error).toMatchObject({ problem: 'tmux is not installed or not on PATH (/usr/bin)', hint: 'install tmux >= 3.2', exitCode: EXIT.STARTUP });
    expect(error.message).toBe('tmux is not installed or not on PATH (/usr/bin): install tmux >= 3.2');
  });

  it('is the problem alone without one, and keeps its cause', () => {
    const cause = new Error('EACCES');
    const error = new StartupError('sshd did not start', { cause });
    expect(error).toMatchObject({ message: 'sshd did not start', problem: 'sshd did not start', hint: null, cause });
  });
});
