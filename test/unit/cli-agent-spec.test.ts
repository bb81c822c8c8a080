import { describe, expect, it } from 'vitest';
import { type AgentSpec, containerOptions } from '../../cli/agent-spec.js';
import { parseMemory } from '../../cli/hardening.js';
import { expectedFacts, factsOfDockerFlags } from '../helpers/hardening-profile.js';

const spec = (overrides: Partial<AgentSpec> = {}): AgentSpec => ({
  name: 'myproject',
  image: 'agentgate/agent:latest',
  workspace: { kind: 'bind', path: '/home/me/myproject' },
  uid: 1000,
  gid: 1000,
  env: [],
  memoryBytes: parseMemory('4g') as number,
  cpus: 2,
  network: null,
  sshKeysDir: null,
  ssh: null,
  gpu: false,
  agentLabel: 'claude',
  egress: null,
  ...overrides,
});

/** The create options as the `docker run` flags they stand for, to compare with the profile like every other place. */
function asFlags(options: ReturnType<typeof containerOptions>): string[] {
  const h = options.HostConfig ?? {};
  const flags: string[] = ['--user', String(options.User)];
  if (h.ReadonlyRootfs) flags.push('--read-only');
  for (const cap of h.CapDrop ?? []) flags.push('--cap-drop', cap);
  for (const opt of h.SecurityOpt ?? []) flags.push('--security-opt', opt);
  flags.push('--memory', String(h.Memory), '--pids-limit', String(h.PidsLimit));
  for (const [path, opts] of Object.entries(h.Tmpfs ?? {})) flags.push('--tmpfs', `${path}:${opts}`);
  for (const u of h.Ulimits ?? []) flags.push('--ulimit', `${u.Name}=${u.Soft}:${u.Hard}`);
  return flags;
}

describe('agentgate up: the container it creates', () => {
  it('is as hardened as compose runs the agent (deploy/hardening.json)', () => {
    expect(factsOfDockerFlags(asFlags(containerOptions(spec())), { uid: 1000, gid: 1000 })).toEqual(expectedFacts('compose'));
  });

  it('runs as the owner of the directory, its home owned by that uid', () => {
    const options = containerOptions(spec({ uid: 4242, gid: 4343 }));
    expect(options.User).toBe('4242:4343');
    expect(options.HostConfig?.Tmpfs?.['/home/agentgate']).toContain('uid=4242,gid=4343');
  });

  it('mounts the workspace and its own state volume, and labels what ls reads', () => {
    const options = containerOptions(spec());
    expect(options.HostConfig?.Binds).toEqual(['/home/me/myproject:/workspace', 'agentgate-myproject-state:/home/agentgate/.claude']);
    expect(options.Labels).toMatchObject({ 'agentgate.name': 'myproject', 'agentgate.workspace': '/home/me/myproject', 'agentgate.state-volume': 'agentgate-myproject-state' });
    expect(options.Env).toContain('AGENTGATE_ON_START_ERROR=wait');
  });

  it('gives Docker the supervisor\'s whole stop budget, rounded up to seconds', () => {
    expect(containerOptions(spec()).StopTimeout).toBe(10);
    expect(containerOptions(spec({ env: ['AGENTGATE_STOP_TIMEOUT_MS=12500'] })).StopTimeout).toBe(13);
  });

  it('publishes SSH on the host\'s loopback only', () => {
    const options = containerOptions(spec({ ssh: { port: 2299, authorizedKeys: '/home/me/.ssh/id_ed25519.pub' } }));
    expect(options.HostConfig?.PortBindings).toEqual({ '2222/tcp': [{ HostIp: '127.0.0.1', HostPort: '2299' }] });
    expect(options.Env).toContain('AGENTGATE_SSH_PORT=2222');
  });
});
