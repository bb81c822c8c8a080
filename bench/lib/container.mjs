// Container figures: the real image under the real engine, beside the engine's own floor.
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { engineEvents } from './engine-events.mjs';
import { childrenOf, memoryKiB, rssKiB } from './proc.mjs';
import { repeat, until } from './stats.mjs';

const FIXTURES = resolve(import.meta.dirname, '../../test/fixtures');
// compose's hardening (deploy/hardening.json; test/unit/hardening-profile.test.ts keeps them equal), with no network.
export const HARDENING = ['--read-only', '--tmpfs', '/tmp:mode=1777,size=512m', '--tmpfs', '/home/agentgate:uid=1000,gid=1000,mode=0700,size=256m',
  '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges', '--memory', '4g', '--pids-limit', '512',
  '--ulimit', 'nofile=8192:8192', '--ulimit', 'core=0', '--network', 'none'];

export function docker(args) {
  const r = spawnSync('docker', args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`bench: docker ${args.join(' ')} failed: ${r.stderr.trim()}`);
  return r.stdout.trim();
}

const dockerAsync = (args) =>
  new Promise((res, rej) => {
    const child = spawn('docker', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('close', (code) => (code === 0 ? res(out.trim()) : rej(new Error(`bench: docker ${args[0]} exited ${code}`))));
  });

export function engineReachable() {
  return spawnSync('docker', ['info'], { stdio: 'ignore' }).status === 0;
}

export function buildImage(image, nodeImage, registry, buildArgs = []) {
  docker(['build', '--network', 'host', '-q', '-f', 'docker/Dockerfile', '-t', image, '--build-arg', `NODE_IMAGE=${nodeImage}`,
    ...(registry ? ['--build-arg', `NPM_CONFIG_REGISTRY=${registry}`] : []), ...buildArgs.flatMap((arg) => ['--build-arg', arg]), resolve(import.meta.dirname, '../..')]);
}

function workspace() {
  const dir = mkdtempSync(join(tmpdir(), 'agentgate-bench-ws-'));
  chownSync(dir, 1000, 1000);
  return dir;
}

const state = (name, format) => spawnSync('docker', ['inspect', '-f', format, name], { encoding: 'utf8' }).stdout.trim();

/** Starts an agent container (fixture agent, health probed every 100 ms) and returns ms until the engine calls it healthy. */
async function runAgentUntilHealthy(image, name, ws, events) {
  const t0 = Date.now();
  await dockerAsync(['run', '-d', '--name', name, ...HARDENING, '--health-interval', '100ms', '--health-start-period', '0s',
    '-v', `${ws}:/workspace`, '-v', `${FIXTURES}:/fixtures:ro`, '-e', 'AGENTGATE_AGENT=/fixtures/agent-idle.sh', image]);
  return (await events.at(name, 'health_status: healthy')) - t0;
}

/** The floor: `tini -- sleep infinity` in the same image, ms until the engine says it started. */
async function runFloorUntilRunning(image, name, events) {
  const t0 = Date.now();
  await dockerAsync(['run', '-d', '--name', name, ...HARDENING, '--entrypoint', '/usr/bin/tini', image, '--', 'sleep', 'infinity']);
  return (await events.at(name, 'start')) - t0;
}

/**
 * The engine's floor for "healthy": the same `tini -- sleep infinity` with a health check that costs nothing
 * (`true`), probed every 100 ms as ours is, and ours's two bind mounts. What the probe's schedule, the engine's
 * exec and the mounts cost, without us; stopping it is the engine's floor for stopping ours (a health check in
 * flight and the mounts add about 15 ms to a `docker stop` of the same tini).
 */
async function runFloorUntilHealthy(image, name, events, ws) {
  const t0 = Date.now();
  await dockerAsync(['run', '-d', '--name', name, ...HARDENING, '--health-cmd', 'true', '--health-interval', '100ms', '--health-start-period', '0s',
    '-v', `${ws}:/workspace`, '-v', `${FIXTURES}:/fixtures:ro`, '--entrypoint', '/usr/bin/tini', image, '--', 'sleep', 'infinity']);
  return (await events.at(name, 'health_status: healthy')) - t0;
}

/** Figure 6: docker run until healthy and docker stop until exited, against `tini -- sleep infinity` in the same image. */
export async function measureContainer(image, runs) {
  const result = { runOurs: [], runFloor: [], runFloorHealthy: [], stopOurs: [], stopFloor: [], stopFloorHealthy: [] };
  const events = engineEvents();
  try {
    for (let i = 0; i < runs; i += 1) {
      const ws = workspace();
      const ours = `agentgate-bench-${process.pid}-${i}`;
      const floor = `agentgate-bench-floor-${process.pid}-${i}`;
      const floorHealthy = `agentgate-bench-floorhealthy-${process.pid}-${i}`;
      result.runOurs.push(await runAgentUntilHealthy(image, ours, ws, events));
      result.runFloor.push(await runFloorUntilRunning(image, floor, events));
      result.runFloorHealthy.push(await runFloorUntilHealthy(image, floorHealthy, events, ws));
      // In turn first, second and third: a stop right after another's (or after ours's health checks) is not the same.
      const stops = [[ours, result.stopOurs], [floor, result.stopFloor], [floorHealthy, result.stopFloorHealthy]];
      for (const [name, into] of [...stops.slice(i % 3), ...stops.slice(0, i % 3)]) {
        const t0 = performance.now();
        await dockerAsync(['stop', name]);
        into.push(performance.now() - t0);
      }
      docker(['rm', '-f', ours, floor, floorHealthy]);
      rmSync(ws, { recursive: true, force: true });
    }
  } finally {
    events.close();
  }
  return result;
}

/** The engine's floor for `count` at once: as many `tini -- sleep infinity` of the image, started together, until all run. */
async function floorAtOnce(image, count, tag, events, untilHealthy = false) {
  const names = Array.from({ length: count }, (_, i) => `agentgate-bench-scalefloor${untilHealthy ? 'h' : ''}-${process.pid}-${tag}-${i}`);
  const dirs = names.map(() => workspace());
  const start = untilHealthy ? runFloorUntilHealthy : runFloorUntilRunning;
  const t0 = Date.now();
  const ends = await Promise.all(names.map((name, i) => start(image, name, events, dirs[i]).then((ms) => t0 + ms)));
  docker(['rm', '-f', ...names]);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  return Math.max(...ends) - t0;
}

/**
 * Figure 7: `count` agent containers started at once: ms until all are healthy (`runs` times, each beside the
 * engine's own floor for `count` at once, measured just before it), and their supervisors' memory.
 */
export async function measureScale(image, count, runs = 1) {
  const result = { allHealthyMs: [], floorMs: [], floorHealthyMs: [] };
  let memory = [];
  const events = engineEvents();
  for (let r = 0; r < runs; r += 1) {
    result.floorMs.push(await floorAtOnce(image, count, r, events));
    result.floorHealthyMs.push(await floorAtOnce(image, count, r, events, true));
    const names = Array.from({ length: count }, (_, i) => `agentgate-bench-scale-${process.pid}-${r}-${i}`);
    const dirs = names.map(() => workspace());
    const t0 = Date.now();
    const ends = await Promise.all(names.map((name, i) => runAgentUntilHealthy(image, name, dirs[i], events).then((ms) => t0 + ms)));
    result.allHealthyMs.push(Math.max(...ends) - t0);
    // The supervisor is tini's child inside each container; its host pid comes from the container's init pid.
    if (r === runs - 1) memory = names.map((name) => memoryKiB(childrenOf(Number(state(name, '{{.State.Pid}}')))[0]));
    docker(['rm', '-f', ...names]);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
  events.close();
  const rssMiB = memory.map((m) => m.rss / 1024);
  const pssMiB = memory.map((m) => m.pss / 1024);
  const anonymousMiB = memory.map((m) => m.anonymous / 1024);
  // Node's own floor in the same image: an idle `node -e` keeping a timer.
  const floor = `agentgate-bench-nodefloor-${process.pid}`;
  docker(['run', '-d', '--name', floor, '--network', 'none', '--entrypoint', 'node', image, '-e', 'setInterval(() => {}, 1e9)']);
  await new Promise((r) => setTimeout(r, 1500));
  const bareNodeMiB = rssKiB(Number(state(floor, '{{.State.Pid}}'))) / 1024;
  docker(['rm', '-f', floor]);
  return { ...result, rssMiB, pssMiB, anonymousMiB, bareNodeMiB };
}

/**
 * Ready inside the image, on its own Node (the native figure runs the host's): `agentgate` start to /readyz 200
 * with the compile cache the image ships and without it, beside `node -e 0` there.
 */
export function measureReadyInImage(image, runs) {
  return JSON.parse(docker(['run', '--rm', ...HARDENING, '-v', `${import.meta.dirname}:/bench:ro`, '--entrypoint', 'node', image, '/bench/ready-in-image.cjs', String(runs)]));
}

export function imageFacts(image) {
  const sizeMiB = Number(docker(['image', 'inspect', '-f', '{{.Size}}', image])) / 1024 / 1024;
  const claudeMiB = Number(docker(['run', '--rm', '--network', 'none', '--entrypoint', 'stat', image, '-c', '%s', '/usr/local/bin/claude'])) / 1024 / 1024;
  return { sizeMiB, claudeMiB };
}

/** Host pid of the first process under `root` whose command line starts with `prefix`. */
function descendant(root, prefix) {
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift();
    for (const child of childrenOf(pid)) {
      let cmdline = '';
      try {
        cmdline = readFileSync(`/proc/${child}/cmdline`, 'utf8').split('\0').join(' ');
      } catch {
        continue;
      }
      if (cmdline.startsWith(prefix)) return child;
      queue.push(child);
    }
  }
  return null;
}

/**
 * Figure 8: what SSH and recording add. sshd's RSS, idle with SSH on, beside the supervisor's; and the
 * supervisor's RSS after its agent printed 8 MiB, with recording on and off.
 */
export async function measureSshAndRecording(image) {
  const run = async (name, env, agent) => {
    const ws = workspace();
    docker(['run', '-d', '--name', name, ...HARDENING, '--health-interval', '100ms', '--health-start-period', '0s',
      '-v', `${ws}:/workspace`, '-e', `AGENTGATE_AGENT=${agent}`, ...env.flatMap((e) => ['-e', e]), image]);
    await until(() => state(name, '{{.State.Health.Status}}') === 'healthy', `${name} healthy`, 60_000, 20);
    return ws;
  };
  const names = [`agentgate-bench-ssh-${process.pid}`, `agentgate-bench-rec-${process.pid}`, `agentgate-bench-norec-${process.pid}`];
  const printer = 'sh -c "head -c 8388608 /dev/urandom | base64; touch /workspace/.printed; exec sleep infinity"';
  const dirs = [
    await run(names[0], ['AGENTGATE_SSH_PORT=2222'], 'sleep infinity'),
    await run(names[1], ['AGENTGATE_RECORD=true'], printer),
    await run(names[2], [], printer),
  ];
  await until(() => dirs.slice(1).every((d) => spawnSync('test', ['-e', join(d, '.printed')]).status === 0), 'agents printed', 120_000, 100);
  await new Promise((r) => setTimeout(r, 2000)); // the supervisor has taken in the last output
  const supervisorOf = (name) => childrenOf(Number(state(name, '{{.State.Pid}}')))[0];
  const sshd = descendant(supervisorOf(names[0]), 'sshd:');
  const result = {
    sshdMiB: sshd ? rssKiB(sshd) / 1024 : NaN,
    supervisorWithSshMiB: rssKiB(supervisorOf(names[0])) / 1024,
    recordingMiB: rssKiB(supervisorOf(names[1])) / 1024,
    noRecordingMiB: rssKiB(supervisorOf(names[2])) / 1024,
  };
  docker(['rm', '-f', ...names]);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  return result;
}
