import { describe, expect, it } from 'vitest';
import { ResumePolicy } from '../../supervisor/agents/claude/resume-policy.js';

describe('ResumePolicy', () => {
  it('starts fresh the first time, then resumes the session the hooks reported', () => {
    const p = new ResumePolicy(true);
    expect(p.argsForStart(null, false)).toEqual([]);
    expect(p.noteExit(60_000)).toBe(false);
    expect(p.argsForStart('3f2a-77', false)).toEqual(['--resume', '3f2a-77']);
  });

  it('continues the latest conversation when no session was reported, and on a re-created container', () => {
    const restarted = new ResumePolicy(true);
    restarted.argsForStart(null, false);
    expect(restarted.argsForStart(null, false)).toEqual(['--continue']);
    expect(new ResumePolicy(true).argsForStart(null, true)).toEqual(['--continue']);
    expect(new ResumePolicy(true).argsForStart('abc', true)).toEqual(['--resume', 'abc']);
  });

  it('falls back once to a fresh session when a resume fails at once, then resumes again', () => {
    const p = new ResumePolicy(true, 10_000);
    p.argsForStart('gone', true);
    expect(p.noteExit(500)).toBe(true);
    expect(p.argsForStart('gone', true)).toEqual([]);
    expect(p.noteExit(500)).toBe(false); // a fresh start that fails is not a failed resume
    expect(p.argsForStart('new-one', true)).toEqual(['--resume', 'new-one']);
  });

  it('falls back when a resumed run ends at once with exit 0 too (claude answering an option and leaving)', () => {
    const p = new ResumePolicy(true, 10_000);
    p.argsForStart(null, false);
    p.noteExit(60_000);
    expect(p.argsForStart('6d1f3c2e-8a4b-4c5d-9e6f-0a1b2c3d4e5f', false)).toEqual(['--resume', '6d1f3c2e-8a4b-4c5d-9e6f-0a1b2c3d4e5f']);
    expect(p.noteExit(30)).toBe(true);
    expect(p.argsForStart('6d1f3c2e-8a4b-4c5d-9e6f-0a1b2c3d4e5f', false)).toEqual([]);
  });

  it('does nothing when disabled', () => {
    const p = new ResumePolicy(false);
    expect(p.argsForStart('abc', true)).toEqual([]);
    expect(p.argsForStart('abc', true)).toEqual([]);
  });
});
