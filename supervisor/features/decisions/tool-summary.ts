/** The fields that say what a tool call does, in the order looked for (Bash's command, Edit's file, ...). */
const TELLING_FIELDS = ['command', 'file_path', 'path', 'notebook_path', 'url', 'pattern', 'query', 'prompt', 'description'];
export const SUMMARY_MAX_CHARS = 200;

/**
 * A tool call's input in one short line for people (status, /events, the webhook): its telling field, or
 * its JSON; secrets scrubbed before it is cut (half a secret would not match), control characters gone.
 */
export function summarizeToolInput(input: unknown, scrub: (text: string) => string): string {
  let text = '';
  if (input && typeof input === 'object') {
    const fields = input as Record<string, unknown>;
    const telling = TELLING_FIELDS.find((name) => typeof fields[name] === 'string');
    text = telling ? (fields[telling] as string) : JSON.stringify(input);
  } else if (input !== undefined) {
    text = JSON.stringify(input) ?? '';
  }
  // Scrubbing a very long input costs as much as its length: only the head can be shown anyway.
  text = scrub(text.slice(0, 16 * 1024))
    .replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ')
    .trim();
  return text.length > SUMMARY_MAX_CHARS ? `${text.slice(0, SUMMARY_MAX_CHARS - 1)}…` : text;
}

/** A tool name for people: the agents' are words (`Bash`, `mcp__server__tool`); anything else is cut and cleaned. */
export function toolName(value: unknown): string {
  return typeof value === 'string' && value.length > 0 ? value.replace(/[^\w.:-]/g, '?').slice(0, 64) : 'unknown';
}

/**
 * A hook body's tool name and input: Claude's and Codex's `tool_name`/`tool_input`, or the camelCase
 * `toolName`/`toolInput` Copilot CLI's permissionRequest hook posts (the pinned version, whatever its configured event name's case).
 */
export function toolOf(body: Record<string, unknown>): { name: unknown; input: unknown } {
  return { name: body.tool_name ?? body.toolName, input: body.tool_input ?? body.toolInput };
}

/** What identifies one tool call across hooks: its name and input (PermissionRequest has no tool_use_id). */
export function toolCallKey(body: Record<string, unknown>): string {
  const { name, input } = toolOf(body);
  return `${toolName(name)}\0${(JSON.stringify(input ?? null) ?? '').slice(0, 4096)}`;
}
