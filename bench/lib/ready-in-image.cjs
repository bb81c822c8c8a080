// Runs inside the image (`node /bench/ready-in-image.cjs RUNS`, as the image's user): how long `agentgate`, the
// entrypoint's own command, takes from start to /readyz 200 as shipped (from the startup snapshot, where the image has
// one), beside the entrypoint's other way, the bundle with Node's compile cache, and the bundle without that cache
// (NODE_DISABLE_COMPILE_CACHE=1), and `node -e 0` in the same image. Prints one JSON line.
const { spawn, spawnSync } = require('node:child_process');
const { mkdirSync, readFileSync } = require('node:fs');
const { get } = require('node:http');

const runs = Number(process.argv[2] ?? 7);
const status = (port) => new Promise((resolve) => {
  get({ host: '127.0.0.1', port, path: '/readyz', agent: false }, (res) => { res.resume(); resolve(res.statusCode); }).on('error', () => resolve(0));
});

// The entrypoint's last line: node with its flags and the bundle (docker/agentgate.sh), its way without the blob.
const bundleLine = readFileSync('/usr/local/bin/agentgate', 'utf8').split('\n').filter((l) => l.startsWith('exec node ')).pop();
const fromBundle = bundleLine.replace(/^exec /, '').replace(/ "\$@"$/, '').split(' ');

let next = 0;
async function readyMs(extraEnv, command = ['/usr/local/bin/agentgate']) {
  const i = next++;
  const dir = `/tmp/ready-${process.pid}-${i}`;
  mkdirSync(`${dir}/ws`, { recursive: true });
  const port = 7500 + i;
  const env = { ...process.env, ...extraEnv, TMUX_TMPDIR: dir, AGENTGATE_WORKSPACE: `${dir}/ws`, AGENTGATE_STATE_DIR: `${dir}/state`,
    AGENTGATE_HEALTH_PORT: String(port), AGENTGATE_AGENT: 'sleep infinity', AGENTGATE_LOG_LEVEL: 'warn' };
  const t0 = performance.now();
  const child = spawn(command[0], command.slice(1), { env, stdio: 'ignore' });
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
  const out = { shipped: [], cached: [], uncached: [], node: [] };
  // One start first, not counted (the page cache, tmux's first run); then the kinds take turns going first.
  await readyMs({});
  await readyMs({}, fromBundle);
  const kinds = [['shipped', {}, undefined], ['cached', {}, fromBundle], ['uncached', { NODE_DISABLE_COMPILE_CACHE: '1' }, fromBundle]];
  for (let r = 0; r < runs; r += 1) {
    for (let k = 0; k < kinds.length; k += 1) {
      const [kind, env, command] = kinds[(r + k) % kinds.length];
      out[kind].push(await readyMs(env, command));
    }
    const t0 = performance.now();
    spawnSync('node', ['-e', '0'], { stdio: 'ignore' });
    out.node.push(performance.now() - t0);
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
})();
