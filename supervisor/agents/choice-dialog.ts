/**
 * A choice dialog open on an agent's screen: Claude's (a permission request, "Make auto mode your default
 * permission mode?") and Copilot CLI's (its folder-trust and permission dialogs) end with a hint line such as
 * "↑/↓ to choose · Esc to cancel" or "↑/↓ to navigate · enter to select · esc to cancel"; Enter there picks the
 * highlighted answer, so typed text must wait. Returns the dialog's question (or "a choice"), else null.
 */
export function choiceDialogOnScreen(lines: readonly string[]): string | null {
  let hint = lines.length - 1;
  // The arrows escaped: one non-ASCII character anywhere makes V8 hold the whole bundle's source at two bytes a character.
  while (hint >= 0 && !/esc to cancel|\u2191\/\u2193 to (choose|select|navigate)/i.test(lines[hint] as string)) hint -= 1;
  if (hint === -1) return null;
  const question = lines.slice(0, hint).map(insideBox).reverse().find((line) => /\?$/.test(line));
  return question ? question.slice(0, 120) : 'a choice';
}

/** A line without the box a dialog is drawn in (Copilot's: "│ Do you trust the files in this folder?   │"). */
function insideBox(line: string): string {
  return line.replace(/^[\s\u2502\u2503\u2551]+|[\s\u2502\u2503\u2551]+$/g, '');
}
