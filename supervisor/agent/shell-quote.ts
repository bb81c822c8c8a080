/** A word (a resume argument) as one shell word for the agent's command line (run by `sh -c`). */
export function shellQuote(text: string): string {
  return `'${text.split("'").join(`'\\''`)}'`;
}
