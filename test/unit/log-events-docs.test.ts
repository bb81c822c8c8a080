import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SUPERVISOR = join(ROOT, 'supervisor');
const REFERENCE = readFileSync(join(ROOT, 'docs/reference.md'), 'utf8');
const LEVELS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

const literal = (node: ts.Node | undefined): string | null => (node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) ? node.text : null);

/** A log call whose message is not a name: computed text, or advice passed in a field other than `hint`. */
interface Offence {
  at: string;
  what: string;
}
const OFFENCES: Offence[] = [];
/** Field names that carried advice before it moved to `hint`. */
const ADVICE_FIELDS = new Set(['how', 'fix', 'advice', 'todo', 'suggestion']);

/**
 * A message argument that is a name: a string literal, a choice between literals, or the `msg` of an event
 * made where no logger is at hand (a `LogEvent`, whose literal `msg: '...'` is checked where it is written).
 */
function isEventName(node: ts.Expression): boolean {
  if (literal(node) !== null) return true;
  if (ts.isParenthesizedExpression(node)) return isEventName(node.expression);
  if (ts.isConditionalExpression(node)) return isEventName(node.whenTrue) && isEventName(node.whenFalse);
  return ts.isPropertyAccessExpression(node) && node.name.text === 'msg';
}

/**
 * Every event name the supervisor can log: the string literal a `log.<level>(...)` call ends with (both
 * branches of a choice), and the `msg: '...'` of the events that startup and sshd's parser hand to such a
 * call. A call whose message is computed text, or that passes advice in a field other than `hint`, is
 * recorded in OFFENCES.
 */
function loggedEventNames(): Map<string, string> {
  const found = new Map<string, string>();
  const record = (node: ts.Expression, at: string): void => {
    const name = literal(node);
    if (name !== null) found.set(name, at);
    else if (ts.isParenthesizedExpression(node)) record(node.expression, at);
    else if (ts.isConditionalExpression(node)) {
      record(node.whenTrue, at);
      record(node.whenFalse, at);
    }
  };
  for (const file of sourceFiles(SUPERVISOR)) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const where = (node: ts.Node) => `${relative(ROOT, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
        const callee = node.expression;
        const method = ts.isPropertyAccessExpression(callee) ? callee.name.text : null;
        const receiver = ts.isPropertyAccessExpression(callee) ? callee.expression : null;
        const isLog = receiver !== null && (ts.isIdentifier(receiver) ? /log$/i.test(receiver.text) : ts.isPropertyAccessExpression(receiver) && /log$/i.test(receiver.name.text));
        const last = node.arguments[node.arguments.length - 1];
        if (isLog && method && LEVELS.has(method) && last) {
          if (isEventName(last)) record(last, where(node));
          else OFFENCES.push({ at: where(node), what: `message is not an event name: ${last.getText()}` });
          const fields = node.arguments.length > 1 ? node.arguments[0] : undefined;
          if (fields && ts.isObjectLiteralExpression(fields)) {
            for (const property of fields.properties) {
              const key = property.name && ts.isIdentifier(property.name) ? property.name.text : null;
              if (key && ADVICE_FIELDS.has(key)) OFFENCES.push({ at: where(node), what: `advice in field ${key}: put it in hint` });
            }
          }
        }
      }
      if (ts.isPropertyAssignment(node) && ts.isIdentifier(node.name) && node.name.text === 'msg') {
        const msg = literal(node.initializer);
        if (msg !== null) found.set(msg, where(node));
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

/** The names `GET /events` sends (`event: <name>`): the keys of WireEventData in the contract. */
function wireEventNames(): string[] {
  const file = join(SUPERVISOR, 'contract/events.ts');
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const names: string[] = [];
  source.forEachChild((node) => {
    if (!ts.isInterfaceDeclaration(node) || node.name.text !== 'WireEventData') return;
    for (const member of node.members) {
      if (member.name && (ts.isIdentifier(member.name) || ts.isStringLiteral(member.name))) names.push(member.name.text);
    }
  });
  return names;
}

/** Words that tell the user what to do: they belong in `hint`, never in an event's name. */
const ADVICE_WORDS = /\b(set|unset|run|use|mount|install|raise|give|put|try|fix|chown|chmod|recreate|check|please|should|must)\b/i;

/** Why `name` is not an event name (a few words, no clause, no advice), or null when it is one. */
function nameProblem(name: string): string | null {
  if (!/^[A-Za-z0-9][A-Za-z0-9 '-]*$/.test(name)) return 'has punctuation: a sentence, not a name (facts go in fields, advice in hint)';
  if (name.split(' ').length > 5) return 'is longer than 5 words: a sentence, not a name';
  if (ADVICE_WORDS.test(name)) return 'gives advice: put it in hint';
  return null;
}

/** The event names the Logs section of the reference lists: the backticked names in each table's first column. */
function documentedLogNames(): string[] {
  const start = REFERENCE.indexOf('\n## Logs');
  const end = REFERENCE.indexOf('\n## ', start + 1);
  const section = REFERENCE.slice(start, end === -1 ? undefined : end);
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => [...(line.split('|')[1] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1] as string));
}

// Parsed once when the file loads: parsing every source file takes seconds on a loaded machine.
const EVENTS = loggedEventNames();
const WIRE_NAMES = wireEventNames();

describe('log lines are events', () => {
  it('every log call gives an event name as its message, and advice only in hint', () => {
    expect(OFFENCES.map((o) => `${o.at}: ${o.what}`)).toEqual([]);
  });

  it('every event name is a few words, without a clause or advice', () => {
    const bad = [...EVENTS].flatMap(([name, at]) => {
      const problem = nameProblem(name);
      return problem ? [`${JSON.stringify(name)} (${at}) ${problem}`] : [];
    });
    expect(bad).toEqual([]);
    // The check itself must catch what it is for.
    expect(nameProblem('start failed; waiting for a stop: fix the problem above')).not.toBeNull();
    expect(nameProblem('keep-alive no agent use docker exec')).not.toBeNull();
    expect(nameProblem('agent exited')).toBeNull();
  });
});

describe('docs/reference.md', () => {
  it('names every event the supervisor logs, word for word', () => {
    const events = EVENTS;
    // The parser must find the events we know are there, or an empty list would pass.
    expect(events.has('agent exited')).toBe(true);
    expect(events.has('ssh login failed')).toBe(true);
    const missing = [...events].filter(([msg]) => !REFERENCE.includes(`\`${msg}\``)).map(([msg, at]) => `${msg} (${at})`);
    expect(missing).toEqual([]);
  });

  it('lists no event the supervisor does not log', () => {
    const documented = documentedLogNames();
    expect(documented).toContain('agent exited');
    expect(documented.filter((name) => !EVENTS.has(name))).toEqual([]);
  });

  it('names every event GET /events sends', () => {
    const names = WIRE_NAMES;
    expect(names).toContain('oom kill');
    const missing = names.filter((name) => !REFERENCE.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });
});
