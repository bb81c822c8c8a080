/** A prompt is what a person types: 64 Ki characters is far beyond that, and bounds what one request holds. */
export const PROMPT_MAX_CHARS = 65_536;
const BY = /^[a-z][a-z0-9 ._-]{0,39}$/;
// Newlines and tabs are text. Every other control character (ESC above all: it could end a bracketed paste
// and type keys) is refused, as are C1 controls.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** The prompt to type, or what is wrong with the request. */
export function checkPrompt(body: string): { text: string; by: string } | string {
  let value: unknown;
  try {
    value = JSON.parse(body || '{}');
  } catch {
    return 'the body is not JSON: expected {"text":"...","by"?:"..."}';
  }
  if (!value || typeof value !== 'object') return 'expected a JSON object';
  const { text, by } = value as Record<string, unknown>;
  if (typeof text !== 'string' || text.trim() === '') return 'text: expected the prompt, not empty';
  if (text.length > PROMPT_MAX_CHARS) return `prompt of ${text.length} characters: at most ${PROMPT_MAX_CHARS}`;
  const control = CONTROL.exec(text);
  if (control) return `text: control character U+${control[0].charCodeAt(0).toString(16).padStart(4, '0')} at ${control.index} refused (newlines and tabs are fine)`;
  if (by !== undefined && (typeof by !== 'string' || !BY.test(by))) return `by ${JSON.stringify(by)}: expected a short label (lowercase letters, digits, " ._-")`;
  return { text, by: typeof by === 'string' ? by : 'api' };
}
