#!/usr/bin/env node
// agentgate ls: every agent container on this Docker engine (compose projects, Swarm replicas, plain
// `docker run`), with its health, what the agent is doing, its workspace and the command that attaches to it.
// Usage: node scripts/agentgate-ls.mjs [--json]        (make ls)
// Exit codes: 0 listed (also when there are none), 1 the engine did not answer.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describeAgent } from './ls-agent-column.mjs';

const run = promisify(execFile);
const FIELDS = [
  '{{.ID}}',
  '{{.Names}}',
  '{{.Label "com.docker.compose.project"}}',
  '{{.Label "com.docker.swarm.service.name"}}',
  '{{.Label "com.docker.swarm.task.name"}}',
].join('\t');

async function docker(args, timeoutMs = 15_000) {
  return run('docker', args, { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 16 << 20 });
}

/** The supervisor's own report, asked inside the container; null when it does not answer. */
async function report(id) {
  try {
    const { stdout } = await docker(['exec', id, 'agentgate', 'health', '--json'], 10_000);
    return JSON.parse(stdout);
  } catch (error) {
    // `health` exits 1 when unhealthy and still prints the report.
    try {
      return JSON.parse(error.stdout);
    } catch {
      return null;
    }
  }
}

async function describe(line) {
  const [id, name, project, service, task] = line.split('\t');
  const [inspected, health] = await Promise.all([docker(['inspect', '--format', '{{json .Mounts}}\t{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}', id]), report(id)]);
  const [mountsJson, dockerHealth] = inspected.stdout.trim().split('\t');
  const workspace = JSON.parse(mountsJson).find((m) => m.Destination === '/workspace');
  const attach = project
    ? `docker compose -p ${project} exec agent agentgate attach`
    : `docker exec -it ${name} agentgate attach`;
  const { agent, why } = describeAgent(health);
  return {
    name: project || task || name,
    kind: project ? 'compose' : service ? 'swarm' : 'container',
    container: name,
    health: dockerHealth,
    agent,
    phase: health?.phase ?? '-',
    restarts: health?.restarts ?? '-',
    workspace: workspace ? (workspace.Type === 'bind' ? workspace.Source : `volume ${workspace.Name}`) : '-',
    attach,
    ...(why ? { why } : {}),
  };
}

function table(rows) {
  const columns = ['name', 'health', 'agent', 'restarts', 'workspace', 'attach'];
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const format = (values) => values.map((v, i) => (i === columns.length - 1 ? v : String(v).padEnd(widths[i]))).join('  ');
  return [format(columns.map((c) => c.toUpperCase())), ...rows.map((r) => format(columns.map((c) => r[c])))].join('\n');
}

async function main() {
  let listed;
  try {
    listed = await docker(['ps', '--filter', 'label=agentgate.role=agent', '--format', FIELDS]);
  } catch (error) {
    process.stderr.write(`agentgate ls: the Docker engine did not answer: ${(error.stderr || error.message).trim()}\n`);
    return 1;
  }
  const lines = listed.stdout.split('\n').filter(Boolean);
  const rows = (await Promise.all(lines.map(describe))).sort((a, b) => a.name.localeCompare(b.name));
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  else if (rows.length === 0) process.stdout.write('no agentgate agents running on this engine (start one: make up PROJECT=~/code/x)\n');
  else process.stdout.write(`${table(rows)}\n`);
  return 0;
}

process.exitCode = await main();
