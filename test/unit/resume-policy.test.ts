import { describe, expect, it } from 'vitest';
import { ResumePolicy } from '../../supervisor/agents/claude/resume-policy.js';

describe('ResumePolicy', () => {
  it('starts fresh the first time, then resumes the session the hooks reported', () => {
    const p = new ResumePolicy(true);
    expect(p.argsForStart(null, false)).toEqual([]);
    expect(p.noteExit(60_000, true)).toBe(false);
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
    expect(p.noteExit(500, true)).toBe(true);
    expect(p.argsForStart('gone', true)).toEqual([]);
    expect(p.noteExit(500, true)).toBe(false); // a fresh start that fails is not a failed resume
    expect(p.argsForStart('new-one', true)).toEqual(['--resume', 'new-one']);
  });

  it('does nothing when disabled', () => {
    const p = new ResumePolicy(false);
    expect(p.argsForStart('abc', true)).toEqual([]);
    expect(p.argsForStart('abc', true)).toEqual([]);
  });
});
