import { describe, expect, it } from 'vitest';
import { COPILOT_PROVIDER_HELD_KEY, GEMINI_HELD_KEY, OPENAI_HELD_KEY, OPENCODE_HELD_KEY } from '../../supervisor/agents/held-api-keys.js';
import { carriesPlaceholder, routeOf, swapHeldKey } from '../../supervisor/features/egress/held-key-swap.js';

const openai = { key: OPENAI_HELD_KEY, upstream: new URL('https://api.openai.com/v1'), value: 'sk-real' };
const gemini = { key: GEMINI_HELD_KEY, upstream: new URL('https://generativelanguage.googleapis.com'), value: null };

describe('the credential endpoint’s paths for other agents’ keys', () => {
  it('routes a path by its whole first segment, keeping the rest and the query', () => {
    expect(routeOf([openai, gemini], '/openai/responses')).toEqual({ route: openai, rest: '/responses' });
    expect(routeOf([openai, gemini], '/gemini?x=1')).toEqual({ route: gemini, rest: '?x=1' });
    expect(routeOf([openai, gemini], '/openai')).toEqual({ route: openai, rest: '/' });
    expect(routeOf([openai, gemini], '/openaix/responses')).toBeNull();
    expect(routeOf([openai, gemini], '/v1/messages')).toBeNull();
  });

  it('swaps its own placeholder only, and refuses a placeholder it holds no key for', () => {
    const headers: Record<string, string> = { authorization: `Bearer ${OPENAI_HELD_KEY.placeholder}` };
    expect(swapHeldKey(headers, openai)).toBe(true);
    expect(headers.authorization).toBe('Bearer sk-real');
    const own: Record<string, string> = { authorization: 'Bearer sk-the-agents-own' };
    expect(swapHeldKey(own, openai)).toBe(true);
    expect(own.authorization).toBe('Bearer sk-the-agents-own');
    expect(swapHeldKey({ 'x-goog-api-key': GEMINI_HELD_KEY.placeholder }, gemini)).toBe(false);
    expect(swapHeldKey({ authorization: `Bearer ${OPENAI_HELD_KEY.placeholder}` }, gemini)).toBe(true);
  });

  it("swaps Copilot's provider key in whichever header its provider type sends it, and only its placeholder", () => {
    const copilot = { key: COPILOT_PROVIDER_HELD_KEY, upstream: new URL('https://llm.example.com/v1'), value: 'real' };
    const { placeholder } = COPILOT_PROVIDER_HELD_KEY;
    for (const [name, sent, expected] of [['authorization', `Bearer ${placeholder}`, 'Bearer real'], ['x-api-key', placeholder, 'real'], ['api-key', placeholder, 'real']] as const) {
      const headers: Record<string, string> = { [name]: sent };
      expect(swapHeldKey(headers, copilot)).toBe(true);
      expect(headers[name]).toBe(expected);
    }
    const other: Record<string, string> = { authorization: `Bearer ${OPENAI_HELD_KEY.placeholder}`, 'api-key': 'own' };
    expect(swapHeldKey(other, copilot)).toBe(true);
    expect(other).toEqual({ authorization: `Bearer ${OPENAI_HELD_KEY.placeholder}`, 'api-key': 'own' });
  });

  it('swaps OpenCode Zen’s placeholder in whichever header its model’s SDK sent it, and nothing else', () => {
    const zen = { key: OPENCODE_HELD_KEY, upstream: new URL('https://opencode.ai/zen'), value: 'sk-zen-real' };
    for (const [name, sent, swapped] of [
      ['authorization', `Bearer ${OPENCODE_HELD_KEY.placeholder}`, 'Bearer sk-zen-real'],
      ['x-api-key', OPENCODE_HELD_KEY.placeholder, 'sk-zen-real'],
      ['x-goog-api-key', OPENCODE_HELD_KEY.placeholder, 'sk-zen-real'],
    ] as const) {
      const headers: Record<string, string> = { [name]: sent, 'x-other': OPENCODE_HELD_KEY.placeholder };
      expect(carriesPlaceholder(headers, OPENCODE_HELD_KEY)).toBe(true);
      expect(swapHeldKey(headers, zen)).toBe(true);
      expect(headers).toEqual({ [name]: swapped, 'x-other': OPENCODE_HELD_KEY.placeholder });
    }
    // Bare in authorization (no Bearer) is not how any SDK sends it: left as it is.
    const bare: Record<string, string> = { authorization: OPENCODE_HELD_KEY.placeholder };
    expect(swapHeldKey(bare, zen)).toBe(true);
    expect(bare.authorization).toBe(OPENCODE_HELD_KEY.placeholder);
    expect(swapHeldKey({ 'x-api-key': OPENCODE_HELD_KEY.placeholder }, { ...zen, value: null })).toBe(false);
  });
});
