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

/**
 * Every event name the supervisor can log: the string literal a `log.<level>(...)` call ends with, and the
 * `msg: '...'` of the events that startup and sshd's parser hand to such a call. Computed messages
 * (warnings, error texts) are sentences, not names, and are left out.
 */
function loggedEventNames(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of sourceFiles(SUPERVISOR)) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const where = (node: ts.Node) => `${relative(ROOT, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
        const callee = node.expression;
        const method = ts.isPropertyAccessExpression(callee) ? callee.name.text : null;
        const receiver = ts.isPropertyAccessExpression(callee) ? callee.expression : null;
        const isLog = receiver !== null && (ts.isIdentifier(receiver) ? /log$/i.test(receiver.text) : ts.isPropertyAccessExpression(receiver) && /log$/i.test(receiver.name.text));
        const msg = literal(node.arguments[node.arguments.length - 1]);
        if (isLog && method && LEVELS.has(method) && msg !== null) found.set(msg, where(node));
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

// Parsed once when the file loads: parsing every source file takes seconds on a loaded machine.
const EVENTS = loggedEventNames();
const WIRE_NAMES = wireEventNames();

describe('docs/reference.md', () => {
  it('names every event the supervisor logs, word for word', () => {
    const events = EVENTS;
    // The parser must find the events we know are there, or an empty list would pass.
    expect(events.has('agent exited')).toBe(true);
    expect(events.has('ssh login failed')).toBe(true);
    const missing = [...events].filter(([msg]) => !REFERENCE.includes(`\`${msg}\``)).map(([msg, at]) => `${msg} (${at})`);
    expect(missing).toEqual([]);
  });

  it('names every event GET /events sends', () => {
    const names = WIRE_NAMES;
    expect(names).toContain('oom kill');
    const missing = names.filter((name) => !REFERENCE.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });
});
