// Runs inside the image (`node /bench/ready-in-image.cjs RUNS`, as the image's user): how long `agentgate`, the
// entrypoint's own command, takes from start to /readyz 200, with Node's compile cache (as shipped) and without
// it (NODE_DISABLE_COMPILE_CACHE=1), beside `node -e 0` in the same image. Prints one JSON line.
const { spawn, spawnSync } = require('node:child_process');
const { mkdirSync } = require('node:fs');
const { get } = require('node:http');

const runs = Number(process.argv[2] ?? 7);
const status = (port) => new Promise((resolve) => {
  get({ host: '127.0.0.1', port, path: '/readyz', agent: false }, (res) => { res.resume(); resolve(res.statusCode); }).on('error', () => resolve(0));
});

let next = 0;
async function readyMs(extraEnv) {
  const i = next++;
  const dir = `/tmp/ready-${process.pid}-${i}`;
  mkdirSync(`${dir}/ws`, { recursive: true });
  const port = 7500 + i;
  const env = { ...process.env, ...extraEnv, TMUX_TMPDIR: dir, AGENTGATE_WORKSPACE: `${dir}/ws`, AGENTGATE_STATE_DIR: `${dir}/state`,
    AGENTGATE_HEALTH_PORT: String(port), AGENTGATE_AGENT: 'sleep infinity', AGENTGATE_LOG_LEVEL: 'warn' };
  const t0 = performance.now();
  const child = spawn('/usr/local/bin/agentgate', [], { env, stdio: 'ignore' });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  while ((await status(port)) !== 200) {
    if (performance.now() - t0 > 15_000) throw new Error('not ready within 15 s');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  const ms = performance.now() - t0;
  child.kill('SIGTERM');
  await exited;
  return ms;
}

(async () => {
  const out = { cached: [], uncached: [], node: [] };
  // One start first, not counted (the page cache, tmux's first run); then the two kinds alternate which goes first.
  await readyMs({});
  for (let r = 0; r < runs; r += 1) {
    const kinds = [['cached', {}], ['uncached', { NODE_DISABLE_COMPILE_CACHE: '1' }]];
    for (const [kind, env] of r % 2 === 0 ? kinds : kinds.reverse()) out[kind].push(await readyMs(env));
    const t0 = performance.now();
    spawnSync('node', ['-e', '0'], { stdio: 'ignore' });
    out.node.push(performance.now() - t0);
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
})();
