// make bench: every figure beside a baseline measured in the same run, on this machine.
// Prints a markdown table and writes it, with the machine's details and the commit, to bench/results/latest.md.
// Tunables: BENCH_RUNS (7), BENCH_IDLE_S (60), BENCH_DOCKER_STOP_TIMEOUT_MS (10000), BENCH_SCALE (10), BENCH_SCALE_RUNS (3),
// BENCH_CLI_AGENTS (20), NODE_IMAGE (base for the container figures), BENCH_IMAGE (the tag it builds), BENCH_SKIP_CONTAINER=1;
// BENCH_ONLY=stop,restart,... runs only those groups (ready stop restart idle probe hook proxy egress features image
// container scale extras cli board) and prints the table without writing latest.md.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ALL_AGENTS, agentSizesMiB } from './lib/agent-sizes.mjs';
import { buildImage, engineReachable, imageFacts, measureContainer, measureReadyInImage, measureScale, measureSshAndRecording } from './lib/container.mjs';
import { measureBoard } from './lib/board.mjs';
import { cliRows } from './lib/cli.mjs';
import { BUNDLE, measureHealthProbe, measureHookEvent, measureIdle, measureProxy, measureReady, measureRestart, measureStop } from './lib/native.mjs';
import { measureAskMemory, measureCredentialEndpoint } from './lib/egress.mjs';
import { measureFeatureMemory } from './lib/feature-memory.mjs';
import { HEADER, machineLines, row } from './lib/report.mjs';
import { summarize } from './lib/stats.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const IDLE_S = Number(process.env.BENCH_IDLE_S ?? 60);
const DOCKER_STOP_TIMEOUT_MS = Number(process.env.BENCH_DOCKER_STOP_TIMEOUT_MS ?? 10_000);
const SCALE = Number(process.env.BENCH_SCALE ?? 10);
const SCALE_RUNS = Number(process.env.BENCH_SCALE_RUNS ?? 3);
const CLI_AGENTS = Number(process.env.BENCH_CLI_AGENTS ?? 20);
const RESTART_BACKOFF_MS = 500;
const progress = (msg) => process.stderr.write(`[bench] ${msg}\n`);
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map((g) => g.trim())) : null;
const want = (group) => ONLY === null || ONLY.has(group);

function preflight() {
  const problems = [];
  if (process.getuid?.() !== 0) problems.push('run as root (unshare needs it)');
  for (const tool of ['/usr/bin/time', '/usr/bin/tini', '/usr/bin/unshare', 'tmux', 'curl', 'wget']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status !== 0) problems.push(`${tool} is missing (apt-get install time tini tmux curl wget)`);
  }
  if (!existsSync(BUNDLE)) problems.push(`${BUNDLE} is missing: run make build`);
  if (problems.length > 0) {
    process.stderr.write(`bench: cannot run:\n  - ${problems.join('\n  - ')}\n`);
    process.exit(2);
  }
}

const median = (xs) => summarize(xs).median;
const rows = [...HEADER];

preflight();
if (want('ready')) {
  progress(`ready time (${RUNS} runs)`);
  const ready = await measureReady(RUNS);
  rows.push(row({ figure: 'Ready: start to /readyz 200 (native, PID 1)', ours: ready.ours, unit: 'ms', baselineName: '`node -e 0`', baseline: ready.baseline,
    goal: 'within 100 ms of Node\'s own start', met: median(ready.ours) - median(ready.baseline) <= 100 }));
}

if (want('stop')) {
  progress(`stop time (${RUNS} runs x 3; bare Node waits ${DOCKER_STOP_TIMEOUT_MS} ms for its kill)`);
  const stop = await measureStop(RUNS, DOCKER_STOP_TIMEOUT_MS);
  rows.push(row({ figure: 'Stop: SIGTERM to exit, cooperative agent', ours: stop.ours, unit: 'ms', baselineName: 'plain `tini`', baseline: stop.tini, goal: 'within 1 s', met: median(stop.ours) <= 1000 }));
  rows.push(row({ figure: 'Stop (same)', ours: stop.ours, unit: 'ms', baselineName: 'bare Node as PID 1', baseline: stop.bareNode,
    goal: '>= 10x faster than bare Node', met: median(stop.bareNode) / median(stop.ours) >= 10 }));
}

if (want('restart')) {
  progress(`restart latency (${RUNS} restarts, backoff ${RESTART_BACKOFF_MS} ms)`);
  const restart = await measureRestart(RUNS, RESTART_BACKOFF_MS);
  rows.push(row({ figure: 'Restart: agent exit to next agent running', ours: restart.ours, unit: 'ms', baselineName: 'initial backoff', baseline: restart.baseline,
    goal: '<= 1.05x the initial backoff', met: median(restart.ours) <= 1.05 * RESTART_BACKOFF_MS }));
}

let idle = null;
if (want('idle') || want('proxy') || want('egress')) {
  progress(`idle cost (${IDLE_S} s)`);
  idle = await measureIdle(IDLE_S);
  rows.push(row({ figure: `Idle RSS, supervisor (${IDLE_S} s)`, ours: idle.rssSamples.supervisor, unit: 'MiB', baselineName: 'tini', baseline: idle.rssSamples.tini, goal: '<= 60 MiB', met: median(idle.rssSamples.supervisor) <= 60 }));
  rows.push(row({ figure: 'Idle RSS (same)', ours: idle.rssSamples.supervisor, unit: 'MiB', baselineName: 'tmux server', baseline: idle.rssSamples.tmux }));
  rows.push(row({ figure: 'Idle RSS (same)', ours: idle.rssSamples.supervisor, unit: 'MiB', baselineName: 'bare `node -e setInterval`', baseline: idle.rssSamples.bareNode }));
  rows.push(row({ figure: `Idle CPU, supervisor (% of a core over ${idle.elapsedS.toFixed(0)} s)`, ours: idle.cpuPercent.supervisor, unit: '%', baselineName: 'tini', baseline: idle.cpuPercent.tini, goal: '<= 0.2 %', met: idle.cpuPercent.supervisor <= 0.2 }));
  rows.push(row({ figure: 'Idle CPU (same)', ours: idle.cpuPercent.supervisor, unit: '%', baselineName: 'tmux server', baseline: idle.cpuPercent.tmux }));
}

if (want('probe')) {
  progress(`health probe cost (${RUNS} probes each)`);
  const probes = await measureHealthProbe(RUNS);
  const pick = (xs, k) => xs.map((x) => x[k]);
  rows.push(row({ figure: 'Health probe wall time, `health` subcommand', ours: pick(probes.health, 'ms'), unit: 'ms', baselineName: '`curl`', baseline: pick(probes.curl, 'ms'), goal: 'about 2 s at most', met: Math.max(...pick(probes.health, 'ms')) < 2000 }));
  rows.push(row({ figure: 'Health probe wall time (same)', ours: pick(probes.health, 'ms'), unit: 'ms', baselineName: '`wget`', baseline: pick(probes.wget, 'ms') }));
  rows.push(row({ figure: 'Health probe peak RSS, `health` subcommand', ours: pick(probes.health, 'peakMiB'), unit: 'MiB', baselineName: '`curl`', baseline: pick(probes.curl, 'peakMiB') }));
  rows.push(row({ figure: 'Probe command wall time, `agentgate-probe` (the image\'s probes)', ours: pick(probes.probe, 'ms'), unit: 'ms', baselineName: '`curl`', baseline: pick(probes.curl, 'ms'),
    goal: '<= 1.5x curl', met: median(pick(probes.probe, 'ms')) <= 1.5 * median(pick(probes.curl, 'ms')) }));
  rows.push(row({ figure: 'Probe command peak RSS, `agentgate-probe`', ours: pick(probes.probe, 'peakMiB'), unit: 'MiB', baselineName: '`curl`', baseline: pick(probes.curl, 'peakMiB'),
    goal: '<= 1.5x curl', met: median(pick(probes.probe, 'peakMiB')) <= 1.5 * median(pick(probes.curl, 'peakMiB')) }));
}

if (want('hook')) {
  progress(`hook event cost (${RUNS} runs)`);
  const hooks = await measureHookEvent(RUNS);
  rows.push(row({ figure: 'Claude hook event: `agentgate-hook` POST to the supervisor', ours: hooks.hook, unit: 'ms', baselineName: '`curl` GET /livez', baseline: hooks.curl,
    goal: 'about a curl (8 ms), far below starting node (70 ms)', met: median(hooks.hook) < 40 }));
}

if (want('proxy')) {
  progress(`egress proxy (${RUNS} requests each way)`);
  const proxied = await measureProxy(RUNS);
  rows.push(row({ figure: 'Egress proxy: one HTTP request through `agentgate proxy`', ours: proxied.through, unit: 'ms', baselineName: 'the same request direct', baseline: proxied.direct }));
  rows.push(row({ figure: 'Egress proxy RSS', ours: proxied.rssMiB, unit: 'MiB', baselineName: 'bare `node -e setInterval`', baseline: idle.rssSamples.bareNode }));
}

if (want('egress')) {
  progress(`credential endpoint (${RUNS} runs of 20 requests each way)`);
  const credential = await measureCredentialEndpoint(RUNS);
  rows.push(row({ figure: 'Credential endpoint: one API request with the key swapped in by the proxy', ours: credential.through, unit: 'ms', baselineName: 'the same request straight to the mock', baseline: credential.direct }));
  progress('egress asks: proxy RSS idle and with 100 held requests (ask mode)');
  const asks = await measureAskMemory(RUNS, 100);
  rows.push(row({ figure: 'Egress proxy RSS, ask mode, idle', ours: asks.idle, unit: 'MiB', baselineName: 'bare `node -e setInterval`', baseline: idle.rssSamples.bareNode }));
  rows.push(row({ figure: 'Egress proxy RSS, ask mode, 100 requests held', ours: asks.held, unit: 'MiB', baselineName: 'the same proxy idle', baseline: asks.idle, goal: '<= idle + 16 MiB', met: median(asks.held) - median(asks.idle) <= 16 }));
}

if (want('features')) {
  progress(`the supervisor's own memory with each feature on and off (${RUNS} runs each)`);
  const fm = await measureFeatureMemory(RUNS);
  rows.push(row({ figure: 'Own memory (anonymous), every optional feature off', ours: fm.allOff, unit: 'MiB', baselineName: 'bare `node --lite-mode -e setInterval`', baseline: fm.bare,
    goal: '<= bare node + 4 MiB', met: median(fm.allOff) - median(fm.bare) <= 4 }));
  for (const f of fm.rows) rows.push(row({ figure: `Own memory, ${f.name} on`, ours: f.on, unit: 'MiB', baselineName: 'the same off', baseline: f.off }));
}

const bundleKiB = statSync(BUNDLE).size / 1024;
rows.push(row({ figure: 'Bundle size (dist/supervisor.cjs)', ours: bundleKiB, unit: 'KiB' }));

const nodeImage = process.env.NODE_IMAGE ?? 'node:24-alpine';
const notes = [];
const CONTAINER_GROUPS = ['image', 'container', 'scale', 'extras', 'cli', 'board'];
if (!CONTAINER_GROUPS.some(want)) {
  // none asked for
} else if (process.env.BENCH_SKIP_CONTAINER === '1' || !engineReachable()) {
  notes.push('Container figures skipped: no Docker engine reachable (or BENCH_SKIP_CONTAINER=1).');
  progress('container figures SKIPPED: no engine');
} else {
  const image = process.env.BENCH_IMAGE ?? 'agentgate/agent:bench';
  progress(`building ${image} on ${nodeImage}`);
  buildImage(image, nodeImage, process.env.NPM_CONFIG_REGISTRY);
  if (want('image')) {
    progress(`ready in the image (${RUNS} runs each: as shipped, from the bundle with and without the compile cache)`);
    const inImage = measureReadyInImage(image, RUNS);
    rows.push(row({ figure: 'Ready in the image: `agentgate` start to /readyz 200 (its Node, startup snapshot)', ours: inImage.shipped, unit: 'ms', baselineName: '`node -e 0` in the image', baseline: inImage.node,
      goal: '<= node + 40 ms', met: median(inImage.shipped) - median(inImage.node) <= 40 }));
    rows.push(row({ figure: 'Ready in the image (same)', ours: inImage.shipped, unit: 'ms', baselineName: 'the bundle with the compile cache (no snapshot)', baseline: inImage.cached }));
    rows.push(row({ figure: 'Ready in the image (same)', ours: inImage.shipped, unit: 'ms', baselineName: 'the bundle without the compile cache', baseline: inImage.uncached }));
  }
  let c = null;
  if (want('container')) {
    progress(`container run/stop (${RUNS} runs)`);
    c = await measureContainer(image, RUNS);
    rows.push(row({ figure: '`docker run` until healthy (health every 100 ms)', ours: c.runOurs, unit: 'ms', baselineName: '`tini -- sleep infinity` until running', baseline: c.runFloor }));
    rows.push(row({ figure: '`docker run` until healthy (same)', ours: c.runOurs, unit: 'ms', baselineName: 'the same `tini` with a free health check (`true`, every 100 ms) and our mounts until healthy', baseline: c.runFloorHealthy,
      goal: '<= 1.5x', met: median(c.runOurs) <= 1.5 * median(c.runFloorHealthy) }));
    rows.push(row({ figure: '`docker stop` until exited', ours: c.stopOurs, unit: 'ms', baselineName: '`tini -- sleep infinity`', baseline: c.stopFloor }));
    // The engine's floor for this container: a health check in flight and the bind mounts are the engine's work.
    rows.push(row({ figure: '`docker stop` (same)', ours: c.stopOurs, unit: 'ms', baselineName: 'the same `tini` with the free health check and our mounts', baseline: c.stopFloorHealthy,
      goal: '<= 1.3x', met: median(c.stopOurs) <= 1.3 * median(c.stopFloorHealthy) }));
  }
  if (want('image')) {
    const facts = imageFacts(image);
    rows.push(row({ figure: `Image size on \`${nodeImage}\``, ours: facts.sizeMiB, unit: 'MiB', baselineName: 'its Claude binary', baseline: facts.claudeMiB }));
    // The image with every agent (the bake target agent-all), beside the default one, and what each agent adds.
    progress(`building the image with every agent (AGENTS=${ALL_AGENTS.join(',')})`);
    buildImage('agentgate/agent:bench-all-agents', nodeImage, process.env.NPM_CONFIG_REGISTRY, [`AGENTS=${ALL_AGENTS.join(',')}`]);
    rows.push(row({ figure: `Image size with every agent (\`AGENTS=${ALL_AGENTS.join(',')}\`)`, ours: imageFacts('agentgate/agent:bench-all-agents').sizeMiB, unit: 'MiB', baselineName: 'the default image (Claude alone)', baseline: facts.sizeMiB }));
    for (const [agent, mib] of Object.entries(agentSizesMiB('agentgate/agent:bench-all-agents'))) {
      rows.push(row({ figure: `Agent's files in the image: ${agent}`, ours: mib, unit: 'MiB' }));
    }
    const alpine = spawnSync('docker', ['image', 'inspect', 'node:24-alpine'], { stdio: 'ignore' }).status === 0;
    if (nodeImage !== 'node:24-alpine' && alpine) {
      buildImage('agentgate/agent:bench-alpine', 'node:24-alpine', process.env.NPM_CONFIG_REGISTRY);
      rows.push(row({ figure: 'Image size on `node:24-alpine`', ours: imageFacts('agentgate/agent:bench-alpine').sizeMiB, unit: 'MiB' }));
    } else if (!alpine) {
      notes.push('Alpine image size not measured: `node:24-alpine` is not available to this engine (no registry).');
    }
  }
  if (want('scale')) {
    progress(`scale: ${SCALE} containers at once, and ${SCALE} \`tini -- sleep infinity\` at once (the engine's floor)`);
    const scale = await measureScale(image, SCALE, SCALE_RUNS);
    rows.push(row({ figure: `Scale: ${SCALE} containers started at once, until all healthy`, ours: scale.allHealthyMs, unit: 'ms', baselineName: `${SCALE} \`tini -- sleep infinity\` of the image at once, until all running`, baseline: scale.floorMs,
      goal: '<= 1.3x', met: median(scale.allHealthyMs) <= 1.3 * median(scale.floorMs) }));
    rows.push(row({ figure: 'Scale (same)', ours: scale.allHealthyMs, unit: 'ms', baselineName: `${SCALE} of the same \`tini\` with a free health check and our mounts at once, until all healthy`, baseline: scale.floorHealthyMs,
      goal: '<= 1.3x', met: median(scale.allHealthyMs) <= 1.3 * median(scale.floorHealthyMs) }));
    if (c) rows.push(row({ figure: 'Scale (same)', ours: scale.allHealthyMs, unit: 'ms', baselineName: 'one container until healthy', baseline: c.runOurs }));
    rows.push(row({ figure: `Scale: supervisors' total RSS (${SCALE})`, ours: scale.rssMiB.reduce((a, b) => a + b, 0), unit: 'MiB', baselineName: `${SCALE} x bare \`node -e setInterval\` in the image`, baseline: SCALE * scale.bareNodeMiB }));
    rows.push(row({ figure: 'Scale: PSS per supervisor (shared binary pages divided)', ours: scale.pssMiB, unit: 'MiB' }));
    rows.push(row({ figure: 'Scale: anonymous memory per supervisor (its own)', ours: scale.anonymousMiB, unit: 'MiB' }));
    rows.push(row({ figure: 'Scale: RSS per supervisor, in the image', ours: scale.rssMiB, unit: 'MiB', baselineName: 'bare `node` in the image', baseline: scale.bareNodeMiB, goal: '<= 60 MiB', met: median(scale.rssMiB) <= 60 }));
  }
  if (want('extras')) {
    progress('SSH and recording: sshd idle, supervisor after 8 MiB of agent output with and without recording');
    const extras = await measureSshAndRecording(image);
    rows.push(row({ figure: 'SSH: sshd RSS, idle (AGENTGATE_SSH_PORT)', ours: extras.sshdMiB, unit: 'MiB', baselineName: 'the supervisor beside it', baseline: extras.supervisorWithSshMiB }));
    rows.push(row({ figure: 'Recording: supervisor RSS after 8 MiB of agent output', ours: extras.recordingMiB, unit: 'MiB', baselineName: 'the same, recording off', baseline: extras.noRecordingMiB }));
  }
  if (want('cli')) rows.push(...(await cliRows(image, RUNS, CLI_AGENTS, progress)));
  if (want('board')) {
    progress(`the board: a state change to the page (${RUNS * 2} changes), its memory and idle CPU with 20 agents`);
    const board = await measureBoard(image, 20, RUNS, Math.min(IDLE_S, 30));
    rows.push(row({ figure: 'Board: a state change (agent hook) until the page\'s stream has it', ours: board.ours, unit: 'ms', baselineName: 'the supervisor\'s own `/events`, read the same way (docker exec)', baseline: board.baseline,
      goal: '<= 250 ms', met: median(board.ours) <= 250 }));
    rows.push(row({ figure: 'Board RSS with 20 agents and a page open', ours: board.rss, unit: 'MiB', baselineName: 'bare `node -e setInterval`', baseline: [board.bareMiB], goal: '< 100 MiB', met: median(board.rss) < 100 }));
    rows.push(row({ figure: 'Board idle CPU with 20 agents and a page open (% of a core)', ours: board.cpuPercent, unit: '%', goal: '< 1 %', met: board.cpuPercent < 1 }));
  }
  spawnSync('docker', ['image', 'rm', image, 'agentgate/agent:bench-alpine'], { stdio: 'ignore' });
}

const machine = machineLines(`Runs per figure: ${RUNS}; idle window ${IDLE_S} s; bare-Node stop waits ${DOCKER_STOP_TIMEOUT_MS} ms (Docker's default) for its SIGKILL`);
const report = ['# agentgate benchmark', '', ...machine, '', ...rows, '', ...notes.map((n) => `- ${n}`), '',
  'Command: `make bench` (medians; ratio = ours / baseline). Machines here are shared and noisy: compare ratios, not absolutes.', ''].join('\n');
// A subset is a check of the rows it touched, not the bench's result: printed only.
if (ONLY === null) {
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench/results/latest.md'), report);
}
process.stdout.write(`${report}\n`);
