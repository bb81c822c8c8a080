// make bench-cli: the host command's figures alone (the rows `make bench` ends with), in minutes rather than
// the whole bench's quarter hour; writes bench/results/cli.md. Needs dist/agentgate.cjs and an engine.
// Tunables: BENCH_RUNS (7), BENCH_CLI_AGENTS (20), BENCH_IMAGE (an agent image to use as it is; else one is
// built on NODE_IMAGE and removed afterwards).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cliRows } from './lib/cli.mjs';
import { buildImage, engineReachable } from './lib/container.mjs';
import { HEADER, machineLines } from './lib/report.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const AGENTS = Number(process.env.BENCH_CLI_AGENTS ?? 20);
const progress = (msg) => process.stderr.write(`[bench] ${msg}\n`);

if (!existsSync(join(ROOT, 'dist/agentgate.cjs')) || !engineReachable()) {
  process.stderr.write('bench-cli: cannot run: it needs dist/agentgate.cjs (make build) and a Docker engine that answers (docker info)\n');
  process.exit(2);
}
const given = process.env.BENCH_IMAGE;
const image = given ?? 'agentgate/agent:bench-cli';
if (!given) {
  progress(`building ${image} on ${process.env.NODE_IMAGE ?? 'node:24-alpine'}`);
  buildImage(image, process.env.NODE_IMAGE ?? 'node:24-alpine', process.env.NPM_CONFIG_REGISTRY);
}
try {
  const rows = await cliRows(image, RUNS, AGENTS, progress);
  const report = ['# agentgate benchmark: the host command', '', ...machineLines(`Runs per figure: ${RUNS}; image ${image}`), '', ...HEADER, ...rows, '',
    'Command: `make bench-cli` (medians; ratio = ours / baseline). Machines here are shared and noisy: compare ratios, not absolutes.', ''].join('\n');
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench/results/cli.md'), report);
  process.stdout.write(`${report}\n`);
} finally {
  if (!given) spawnSync('docker', ['image', 'rm', image], { stdio: 'ignore' });
}
