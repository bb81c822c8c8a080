// What each feature costs the supervisor in its own (anonymous) memory: the real bundle as PID 1 under tini,
// as native.mjs runs it, with one feature on and everything that can be off, off.
import { chmodSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { findDescendant, memoryKiB } from './proc.mjs';
import { ENTRY_MALLOC, FIXTURES, SUPERVISOR, readyStatus, sandbox, startInNamespace } from './native.mjs';
import { repeat, sleep, until } from './stats.mjs';

// Everything optional off: decisions held 0 ms (off), no answer token (prompts and screen refuse), no webhook.
const OFF = { AGENTGATE_DECISION_WAIT_MS: '0', AGENTGATE_EGRESS_SELFTEST: 'off' };
const TOKEN_SHA256 = 'a'.repeat(64);
const CLAUDE = { AGENTGATE_AGENT: 'claude', ANTHROPIC_API_KEY: 'sk-ant-bench', PATH: `${join(FIXTURES, 'fake-claude')}:${FIXTURES}:/usr/local/bin:/usr/bin:/bin` };

/**
 * The features as a user turns them on. SSH runs a stand-in sshd (the host has none; what is measured is the
 * supervisor's side of SSH: its code, the host key, the server's watch); the egress self-test probes a closed
 * loopback port. The transcript is Claude's, so it is measured against the same fake Claude with it off.
 */
export const FEATURES = [
  { name: 'SSH (AGENTGATE_SSH_PORT)', on: { AGENTGATE_SSH_PORT: '2222', stubSshd: true } },
  { name: 'Recording (AGENTGATE_RECORD)', on: { AGENTGATE_RECORD: 'true' } },
  { name: 'Webhook (AGENTGATE_NOTIFY_URL)', on: { AGENTGATE_NOTIFY_URL: 'http://127.0.0.1:9/hook' } },
  { name: 'Egress self-test (AGENTGATE_EGRESS_SELFTEST=on)', on: { AGENTGATE_EGRESS_SELFTEST: 'on', AGENTGATE_EGRESS_PROBE: '127.0.0.1:9' } },
  { name: 'Decisions, prompts, screen (wait and answer token)', on: { AGENTGATE_DECISION_WAIT_MS: '300000', AGENTGATE_ANSWER_TOKEN_SHA256: TOKEN_SHA256 } },
  { name: 'Transcript (AGENTGATE_TRANSCRIPT, fake Claude)', base: CLAUDE, on: { AGENTGATE_TRANSCRIPT: 'true' } },
];

function stubSshd(dir) {
  const sshd = join(dir, 'sshd');
  writeFileSync(sshd, '#!/bin/sh\necho "Server listening on 127.0.0.1 port 2222." >&2\nexec sleep infinity\n');
  chmodSync(sshd, 0o755);
  return dir;
}

/** The supervisor's anonymous KiB once ready and settled, with `env` over the all-off defaults. */
async function anonymousOnce(env) {
  const { stubSshd: stub, ...vars } = env;
  const box = sandbox({ AGENTGATE_AGENT: 'agent-idle.sh', ...OFF, ...vars });
  if (stub) box.env.PATH = `${stubSshd(box.dir)}:${box.env.PATH}`;
  const run = startInNamespace(['/usr/bin/tini', '--', ...SUPERVISOR], box.env);
  // Any answer: an egress self-test that finds the host's open network answers 503, its code loaded all the same.
  await until(async () => (await readyStatus(box.port)) > 0, `health with ${JSON.stringify(vars)}`, 15_000, 5);
  await sleep(1500); // past start-up work: the figure is what it holds, not what it allocated on the way
  const tini = await run.init();
  const supervisor = findDescendant(tini, process.execPath);
  const kib = memoryKiB(supervisor).anonymous;
  process.kill(tini, 'SIGTERM');
  await run.exited;
  box.cleanup();
  return kib / 1024;
}

/** Per feature: anonymous MiB with it off and on (median of `runs`), beside bare Node measured the same way. */
export async function measureFeatureMemory(runs) {
  const bare = await repeat(runs, async () => {
    // With the entry's malloc setting too (it moves bare node by under 0.1 MiB).
    const child = spawn(SUPERVISOR[0], ['--lite-mode', '-e', 'setInterval(() => {}, 1e9)'], { stdio: 'ignore', env: { ...process.env, ...ENTRY_MALLOC } });
    await sleep(1500);
    const kib = memoryKiB(child.pid).anonymous;
    child.kill('SIGKILL');
    return kib / 1024;
  });
  const allOff = await repeat(runs, () => anonymousOnce({}));
  const rows = [];
  for (const feature of FEATURES) {
    const off = feature.base ? await repeat(runs, () => anonymousOnce(feature.base)) : allOff;
    const on = await repeat(runs, () => anonymousOnce({ ...feature.base, ...feature.on }));
    rows.push({ name: feature.name, off, on });
  }
  return { bare, allOff, rows };
}
