// Egress figures: the credential endpoint's cost per API request, and the proxy's memory while it holds asks.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { createInterface } from 'node:readline';
import { rssKiB } from './proc.mjs';
import { sleep, until } from './stats.mjs';
import { BUNDLE } from './native.mjs';

const NODE = [process.execPath, '--lite-mode', BUNDLE];
const PLACEHOLDER = 'sk-ant-api03-agentgate-placeholder-the-egress-proxy-holds-the-key';
const REAL_KEY = 'sk-ant-api03-bench-real-key';
const REQUESTS_PER_RUN = 20;
let nextPort = 27_600;

/** One POST on a fresh connection (as a client without keep-alive), in ms. */
function post(port, key) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = request({ host: '127.0.0.1', port, path: '/v1/messages', method: 'POST', agent: false, headers: { 'x-api-key': key, 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - t0) : reject(new Error(`bench: status ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end('{"model":"bench","max_tokens":16,"messages":[{"role":"user","content":"hi"}]}');
  });
}

/**
 * One API request through the credential endpoint (placeholder in, real key out) against the same request straight
 * to the mock with the real key. Each run's figure is the mean of REQUESTS_PER_RUN requests, alternating the two.
 */
export async function measureCredentialEndpoint(runs) {
  const mock = createServer((req, res) => {
    req.resume();
    const ok = req.headers['x-api-key'] === REAL_KEY;
    res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
    res.end('{"id":"msg_bench","type":"message","content":[{"type":"text","text":"ok"}]}');
  });
  const mockPort = nextPort++;
  await new Promise((r) => mock.listen(mockPort, '127.0.0.1', r));
  const [proxyPort, credentialPort, healthPort] = [nextPort++, nextPort++, nextPort++];
  const proxy = spawn(NODE[0], [...NODE.slice(1), 'proxy'], {
    env: { PATH: process.env.PATH, AGENTGATE_PROXY_HOST: '127.0.0.1', AGENTGATE_PROXY_PORT: String(proxyPort), AGENTGATE_HEALTH_PORT: String(healthPort),
      AGENTGATE_CREDENTIAL_PORT: String(credentialPort), AGENTGATE_CREDENTIAL_UPSTREAM: `http://127.0.0.1:${mockPort}`, ANTHROPIC_API_KEY: REAL_KEY,
      AGENTGATE_EGRESS_ALLOW: '127.0.0.1:1', AGENTGATE_EGRESS_ALLOW_FILE: '/nonexistent', AGENTGATE_LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  try {
    await until(() => post(credentialPort, PLACEHOLDER).then(() => true, () => false), 'credential endpoint', 15_000, 20);
    const through = [];
    const direct = [];
    for (let run = 0; run < runs; run += 1) {
      let a = 0;
      let b = 0;
      for (let i = 0; i < REQUESTS_PER_RUN; i += 1) {
        a += await post(credentialPort, PLACEHOLDER);
        b += await post(mockPort, REAL_KEY);
      }
      through.push(a / REQUESTS_PER_RUN);
      direct.push(b / REQUESTS_PER_RUN);
    }
    return { through, direct };
  } finally {
    proxy.kill('SIGTERM');
    mock.close();
  }
}

// Runs in the proxy's network namespace: waits for the proxy, then on "hold" opens N requests to an unlisted
// public address and reports once the proxy lists them all as waiting. Nothing is answered, so nothing is sent on.
const CLIENT = `
const http = require('node:http'); const net = require('node:net');
const [proxyPort, healthPort, count] = process.argv.slice(1).map(Number);
const get = (path) => new Promise((r) => http.get({ host: '127.0.0.1', port: healthPort, path, agent: false }, (res) => { let b = ''; res.on('data', (d) => (b += d)); res.on('end', () => r(b)); }).on('error', () => r('')));
const poll = async (ok, then) => { for (;;) { if (ok(await get('/egress/decisions'))) return then(); await new Promise((r) => setTimeout(r, 50)); } };
poll((b) => b.startsWith('{'), () => console.log('ready'));
process.stdin.on('data', () => {
  for (let i = 0; i < count; i++) { const s = net.connect(proxyPort, '127.0.0.1', () => s.write('GET http://203.0.113.7/held-' + i + ' HTTP/1.1\\r\\nhost: 203.0.113.7\\r\\n\\r\\n')); s.on('error', () => {}); }
  poll((b) => { try { return JSON.parse(b).decisions.length === count; } catch { return false; } }, () => console.log('held'));
});`;

/**
 * The proxy's RSS in ask mode, idle and with `count` requests held. The proxy runs in a network namespace of its
 * own with only a loopback (root), so a held request could not leave the machine even if it were let through.
 */
export async function measureAskMemory(samples, count) {
  const [proxyPort, healthPort] = [nextPort++, nextPort++];
  const proxy = spawn('unshare', ['--net', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', ...NODE, 'proxy'], {
    env: { PATH: process.env.PATH, AGENTGATE_PROXY_HOST: '127.0.0.1', AGENTGATE_PROXY_PORT: String(proxyPort), AGENTGATE_HEALTH_PORT: String(healthPort),
      AGENTGATE_EGRESS_ALLOW: '127.0.0.1:1', AGENTGATE_EGRESS_ALLOW_FILE: '/nonexistent', AGENTGATE_EGRESS_ASK: 'on', AGENTGATE_EGRESS_ASK_WAIT_MS: '600000', AGENTGATE_LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  // unshare and sh exec: the pid is node's once the namespace is up; the client enters it by that pid.
  const isNode = () => { try { return readFileSync(`/proc/${proxy.pid}/cmdline`, 'utf8').startsWith(process.execPath); } catch { return false; } };
  await until(isNode, 'proxy in its namespace', 15_000, 20);
  const client = spawn('nsenter', ['-t', String(proxy.pid), '-n', process.execPath, '-e', CLIENT, String(proxyPort), String(healthPort), String(count)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: client.stdout });
  const said = new Set();
  lines.on('line', (l) => said.add(l));
  const sample = async () => {
    const xs = [];
    for (let i = 0; i < samples; i += 1) {
      xs.push(rssKiB(proxy.pid) / 1024);
      await sleep(200);
    }
    return xs;
  };
  try {
    await until(() => said.has('ready'), 'ask-mode proxy ready', 15_000, 20);
    await sleep(1000);
    const idle = await sample();
    client.stdin.write('hold\n');
    await until(() => said.has('held'), `${count} requests held`, 30_000, 20);
    await sleep(1000);
    const held = await sample();
    return { idle, held };
  } finally {
    client.kill('SIGKILL');
    proxy.kill('SIGTERM');
  }
}
