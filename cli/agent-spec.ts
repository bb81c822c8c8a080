import { createHash } from 'node:crypto';
import type Docker from 'dockerode';
import { HARDENING } from './hardening.js';
import { CREATED_BY_CLI, LABEL } from './labels.js';
import { containerName, stateVolumeName } from './names.js';

export const STATE_DIR = '/home/agentgate/.claude';
const DEFAULT_STOP_TIMEOUT_MS = 10_000;

/** Everything `up` decided about one agent. */
export interface AgentSpec {
  name: string;
  image: string;
  /** A host directory, or a named volume (the image's sample workspace). */
  workspace: { kind: 'bind'; path: string } | { kind: 'volume'; volume: string };
  uid: number;
  gid: number;
  /** NAME=value lines for the container (AGENTGATE_* and the credentials passed through). */
  env: string[];
  memoryBytes: number;
  cpus: number;
  /** A network to join, or null for the engine's default. */
  network: string | null;
  /** The host's ~/.ssh, read-only, for git over SSH. */
  sshKeysDir: string | null;
  /** SSH into the session: the host's loopback port and the public keys file. */
  ssh: { port: number; authorizedKeys: string } | null;
  gpu: boolean;
  agentLabel: string;
  /** Behind the allowlist proxy (agentgate up --egress): its variables, its network, no resolver. */
  egress: { env: string[]; network: string; dns: string[] } | null;
  /** Answers the agent's pending decisions: kept in a label on the host, only its SHA-256 in the container. */
  answerToken?: string;
}

/** The container `up` creates: compose's hardening, the workspace, the state volume, the labels ls reads. */
export function containerOptions(spec: AgentSpec): Docker.ContainerCreateOptions {
  const stopTimeoutMs = Number(spec.env.find((e) => e.startsWith('AGENTGATE_STOP_TIMEOUT_MS='))?.split('=')[1] ?? DEFAULT_STOP_TIMEOUT_MS);
  const workspaceSource = spec.workspace.kind === 'bind' ? spec.workspace.path : spec.workspace.volume;
  const binds = [`${workspaceSource}:/workspace`, `${stateVolumeName(spec.name)}:${STATE_DIR}`];
  if (spec.sshKeysDir) binds.push(`${spec.sshKeysDir}:/run/host-ssh:ro`);
  if (spec.ssh) binds.push(`${spec.ssh.authorizedKeys}:/run/secrets/ssh_authorized_keys:ro`);
  const env = [
    ...spec.env,
    'AGENTGATE_WORKSPACE=/workspace',
    `AGENTGATE_STATE_DIR=${STATE_DIR}`,
    'AGENTGATE_ON_START_ERROR=wait',
    ...(spec.workspace.kind === 'bind' ? [`AGENTGATE_PROJECT_DIR=${spec.workspace.path}`] : []),
    ...(spec.ssh ? ['AGENTGATE_SSH_PORT=2222'] : []),
    ...(spec.answerToken ? [`AGENTGATE_ANSWER_TOKEN_SHA256=${createHash('sha256').update(spec.answerToken).digest('hex')}`] : []),
    ...(spec.env.some((e) => e.startsWith('AGENTGATE_STOP_TIMEOUT_MS=')) ? [] : [`AGENTGATE_STOP_TIMEOUT_MS=${DEFAULT_STOP_TIMEOUT_MS}`]),
    ...(spec.egress?.env ?? []),
  ];
  const network = spec.egress?.network ?? spec.network;
  return {
    name: containerName(spec.name),
    Image: spec.image,
    User: `${spec.uid}:${spec.gid}`,
    Env: env,
    // Docker's stop timeout is in seconds: the supervisor's whole budget, rounded up.
    StopTimeout: Math.ceil(stopTimeoutMs / 1000),
    Labels: {
      [LABEL.name]: spec.name,
      [LABEL.workspace]: spec.workspace.kind === 'bind' ? spec.workspace.path : `volume ${spec.workspace.volume}`,
      [LABEL.stateVolume]: stateVolumeName(spec.name),
      [LABEL.createdBy]: CREATED_BY_CLI,
      [LABEL.attach]: `agentgate attach ${spec.name}`,
      [LABEL.agent]: spec.agentLabel,
      ...(spec.egress ? { 'agentgate.egress': 'true' } : {}),
      ...(spec.answerToken ? { [LABEL.answerToken]: spec.answerToken } : {}),
    },
    ...(spec.ssh ? { ExposedPorts: { '2222/tcp': {} } } : {}),
    HostConfig: {
      Binds: binds,
      ReadonlyRootfs: HARDENING.readOnlyRoot,
      CapDrop: [...HARDENING.capDrop],
      SecurityOpt: [...HARDENING.securityOpt],
      PidsLimit: HARDENING.pidsLimit,
      Memory: spec.memoryBytes,
      NanoCpus: Math.round(spec.cpus * 1e9),
      Tmpfs: { '/tmp': HARDENING.tmpfs['/tmp'], '/home/agentgate': HARDENING.tmpfs.home(spec.uid, spec.gid) },
      Ulimits: HARDENING.ulimits.map((u) => ({ ...u })),
      RestartPolicy: { Name: HARDENING.restart },
      ...(network ? { NetworkMode: network } : {}),
      ...(spec.egress ? { Dns: spec.egress.dns } : {}),
      ...(spec.ssh ? { PortBindings: { '2222/tcp': [{ HostIp: '127.0.0.1', HostPort: String(spec.ssh.port) }] } } : {}),
      ...(spec.gpu ? { DeviceRequests: [{ Driver: 'nvidia', Count: -1, Capabilities: [['gpu']] }] } : {}),
    },
  };
}
