// Writes docs/configuration.md from the config schema (types, ranges, defaults) and the table of meanings
// beside it. `make docs` bundles and runs this file; test/unit/configuration-docs.test.ts fails on drift.
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { HOST_SIDE_NAMES, PREFIX, envSchema } from '../supervisor/config/schema.js';
import { AGENT_TOPICS, AGENT_VARIABLES, HOST_VARIABLES, READ_VARIABLES, type OtherVariable, type VariableDoc, type VariableSection, VARIABLE_DOCS } from '../docs/src/variable-docs.js';

export const CONFIGURATION_DOC = 'docs/configuration.md';

/** The parts of zod's internal definition this reads (zod/mini has no public introspection). */
interface Def {
  type: string;
  defaultValue?: unknown;
  innerType?: { _zod: { def: Def } };
  in?: { _zod: { def: Def } };
  out?: { _zod: { def: Def } };
  entries?: Record<string, string>;
  checks?: { _zod: { def: { check: string; value?: number; pattern?: RegExp; error?: (issue: unknown) => unknown } } }[];
}

const defOf = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def;
const code = (value: unknown) => `\`${String(value)}\``;

/** What a value must look like, read from the schema itself. */
export function describeAccepts(schema: unknown): string {
  let def = defOf(schema);
  while ((def.type === 'default' || def.type === 'optional') && def.innerType) def = def.innerType._zod.def;
  if (def.type === 'enum' && def.entries) return Object.values(def.entries).map(code).join(', ');
  if (def.type === 'pipe' && def.in && def.out) {
    const out = def.out._zod.def;
    if (out.type === 'boolean') return 'boolean: `true`/`false`, `1`/`0`, `yes`/`no`, `on`/`off`';
    if (out.type === 'number') {
      const min = out.checks?.find((c) => c._zod.def.check === 'greater_than')?._zod.def.value;
      const max = out.checks?.find((c) => c._zod.def.check === 'less_than')?._zod.def.value;
      const decimal = def.in._zod.def.checks?.some((c) => c._zod.def.pattern?.source.includes('\\.'));
      return `${decimal ? 'decimal' : 'integer'} ${min ?? ''}–${max ?? ''}`;
    }
  }
  if (def.type === 'string') {
    // The schema's own words for a pattern (also what an error message says is expected).
    // "(it is blank)" is how an error explains itself; here it is a rule.
    const messages = (def.checks ?? [])
      .map((c) => c._zod.def.error?.({}))
      .filter((m): m is string => typeof m === 'string')
      .map((m) => m.replace(' (it is blank)', ', not blank'));
    return messages.length > 0 ? messages.join('; ') : 'any text';
  }
  throw new Error(`describeAccepts: no wording for a schema of type ${def.type}; add one`);
}

function describeDefault(schema: unknown, defaultText: string | undefined): string {
  const def = defOf(schema);
  if (def.type === 'default') return def.defaultValue === '' ? '(empty)' : code(def.defaultValue);
  if (defaultText === undefined) throw new Error('an optional variable needs defaultText in VARIABLE_DOCS');
  return defaultText;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const row = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;

function describedOrThrow(key: string): VariableDoc {
  const doc = (VARIABLE_DOCS as Record<string, VariableDoc | undefined>)[key];
  if (!doc) throw new Error(`${PREFIX}${key} is in the schema but not in VARIABLE_DOCS (docs/src/variable-docs.ts): say what it means there`);
  return doc;
}

function schemaTable(section: VariableSection): string[] {
  const lines: string[] = [];
  // The schema's keys lead: a variable added there without a line in VARIABLE_DOCS fails here, not silently.
  const entries = Object.keys(envSchema.shape)
    .map((key) => [key, describedOrThrow(key)] as const)
    .filter(([, doc]) => doc.section === section);
  const topics = [...new Set(entries.map(([, doc]) => doc.topic))];
  if (section === 'agent') {
    const unordered = topics.filter((t) => !AGENT_TOPICS.includes(t));
    if (unordered.length > 0) throw new Error(`topics missing from AGENT_TOPICS: ${unordered.join(', ')}`);
    topics.sort((a, b) => AGENT_TOPICS.indexOf(a) - AGENT_TOPICS.indexOf(b));
  }
  for (const topic of topics) {
    if (section === 'agent') lines.push(`### ${topic}`, '');
    lines.push('| Variable | Default | Accepts | Meaning |', '|---|---|---|---|');
    for (const [key, doc] of entries.filter(([, d]) => d.topic === topic)) {
      const schema = envSchema.shape[key as keyof typeof envSchema.shape];
      lines.push(row([code(`${PREFIX}${key}`), describeDefault(schema, doc.defaultText), describeAccepts(schema), doc.meaning]));
    }
    lines.push('');
  }
  return lines;
}

function otherTable(variables: readonly OtherVariable[]): string[] {
  return ['| Variable | Default | Meaning |', '|---|---|---|', ...variables.map((v) => row([code(v.name), v.defaultText, v.meaning])), ''];
}

/** The whole of docs/configuration.md. */
export function renderConfigurationDoc(): string {
  const documented = new Set([...HOST_VARIABLES, ...AGENT_VARIABLES].map((v) => v.name));
  const missing = HOST_SIDE_NAMES.filter((name) => !documented.has(`${PREFIX}${name}`));
  if (missing.length > 0) throw new Error(`HOST_SIDE_NAMES without a line in variable-docs.ts: ${missing.join(', ')}`);
  return [
    '<!-- Generated by `make docs` from supervisor/config/schema.ts and docs/src/variable-docs.ts: edit those, not this file. test/unit/configuration-docs.test.ts fails when they differ. -->',
    '',
    '# Configuration',
    '',
    'Environment variables, read once at start. Every invalid value is reported at once, with the variable\'s name,',
    'its value and what was expected, and the supervisor exits with 78 (with `AGENTGATE_ON_START_ERROR=wait` it stays',
    'up, unhealthy, instead). An empty variable counts as unset.',
    '',
    '- Integers take decimal digits only (`1e3`, `0x10` and blanks are refused); paths and hosts are refused with',
    '  leading or trailing spaces.',
    '- An `AGENTGATE_*` variable the supervisor does not know is ignored, with a warning whose hint names the closest',
    '  known one (`unknown variable {name: AGENTGATE_RESTRAT, hint: did you mean AGENTGATE_RESTART?}`).',
    '- When stderr is a terminal, or with `AGENTGATE_LOG_FORMAT=pretty`, and always for `status`, `health` and',
    '  `attach`, errors print as text (`agentgate: invalid configuration:` and one line per variable); otherwise as one',
    '  JSON line for `docker logs` (`invalid configuration {exitCode, problems, hint}`).',
    '- Values of variables whose names contain `KEY`, `TOKEN`, `SECRET` or `PASSWORD` never appear in any output: they',
    '  are scrubbed from every log line, and a bad value of such a variable (or of `AGENTGATE_PROMPT`) is shown as',
    '  `[redacted]`.',
    '',
    '## Agent container',
    '',
    "Read by the supervisor in the agent's container. Compose passes every one of them through when it is set in your",
    'shell (it fixes `AGENTGATE_WORKSPACE`, `AGENTGATE_STATE_DIR` and `AGENTGATE_ON_START_ERROR=wait` itself).',
    '',
    ...schemaTable('agent'),
    '## Egress proxy',
    '',
    "Read by `agentgate proxy` (see [Egress proxy](features.md#egress-proxy)). Without an allowlist, it is what Claude",
    'Code needs: `api.anthropic.com:443`, `console.anthropic.com:443`, `claude.ai:443`, `platform.claude.com:443`; or,',
    "when the proxy is given another preset's `AGENTGATE_AGENT` (`compose/egress.yaml` passes the agent's), that agent's",
    'hosts. `AGENTGATE_HEALTH_HOST`, `AGENTGATE_HEALTH_PORT`, `AGENTGATE_LOG_LEVEL` and `AGENTGATE_LOG_FORMAT` apply to it',
    'too. The proxy holds `ANTHROPIC_API_KEY` and `CLAUDE_CODE_OAUTH_TOKEN` from its own environment for the credential',
    'endpoint (see [The API key held by the proxy](features.md#the-api-key-held-by-the-proxy)).',
    '',
    ...schemaTable('proxy'),
    '## On the host',
    '',
    'Read by compose, the Makefile or the Swarm stack where you run them; they do not configure the supervisor. A',
    'relative file path given to compose is resolved from `compose/`, not from where you stand: give absolute paths.',
    '',
    ...otherTable(HOST_VARIABLES),
    "## Set by the supervisor for the agent",
    '',
    ...otherTable(AGENT_VARIABLES),
    '## Other variables the supervisor reads',
    '',
    ...otherTable(READ_VARIABLES),
  ].join('\n');
}

// `make docs`: bundled by esbuild and run with node; under vitest, argv[1] is vitest's own file.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(CONFIGURATION_DOC, renderConfigurationDoc());
  console.log(`wrote ${CONFIGURATION_DOC}`);
}
