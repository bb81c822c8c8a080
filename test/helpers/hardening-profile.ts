import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * deploy/hardening.json read as flat facts ({ 'limits.memory': bytes, 'tmpfs./tmp.mode': 0o1777, ... }), and
 * readers that turn each runtime's own spelling (docker run flags, a compose service, a pod spec) into the same
 * facts, so that one comparison checks them all.
 */
export type Facts = Record<string, unknown>;

const ROOT = join(import.meta.dirname, '..', '..');
export const PROFILE = JSON.parse(readFileSync(join(ROOT, 'deploy', 'hardening.json'), 'utf8'));

const BINARY: Record<string, number> = { '': 1, b: 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };
/** Docker's sizes (512m, 4g, a byte count): k, m, g are binary whatever their case. */
export function dockerBytes(size: string | number): number {
  const m = /^(\d+(?:\.\d+)?)([bkmgt]?)$/i.exec(String(size).trim());
  if (!m) throw new Error(`not a Docker size: ${JSON.stringify(size)}`);
  return Number(m[1]) * (BINARY[(m[2] as string).toLowerCase()] as number);
}

const QUANTITY: Record<string, number> = { '': 1, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };
/** Kubernetes quantities (512Mi, 4Gi, 1G): the i suffixes binary, the others decimal. */
export function kubernetesBytes(size: string | number): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(String(size).trim());
  if (!m) throw new Error(`not a Kubernetes quantity: ${JSON.stringify(size)}`);
  return Number(m[1]) * (QUANTITY[m[2] ?? ''] as number);
}

/** Flattens nested objects into dotted keys (arrays stay whole); keys beginning with $ are comments. */
function flatten(value: Record<string, unknown>, prefix = '', out: Facts = {}): Facts {
  for (const [key, v] of Object.entries(value)) {
    if (key.startsWith('$')) continue;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) flatten(v as Record<string, unknown>, `${prefix}${key}.`, out);
    else out[`${prefix}${key}`] = v;
  }
  return out;
}

/** The profile's facts for one place: the agent's (or the proxy's), with the place's named differences applied. */
export function expectedFacts(place: string, role: 'agent' | 'proxy' = 'agent'): Facts {
  const { proxy, differences, ...agent } = PROFILE;
  const base = role === 'proxy' ? { ...agent, ...proxy } : agent;
  const { why, absent = [], ...overrides } = differences[place] ?? {};
  const facts = { ...flatten(base), ...flatten(overrides) };
  for (const key of absent as string[]) delete facts[key];
  for (const [key, v] of Object.entries(facts)) {
    if (v === null) delete facts[key];
    else if (key === 'limits.memory' || key.endsWith('.size')) facts[key] = dockerBytes(v as string);
    else if (key.endsWith('.mode')) facts[key] = Number.parseInt(String(v), 8);
  }
  return facts;
}

/** uid=1000,gid=1000,mode=0700,size=256m as facts under tmpfs.<path>. */
function tmpfsOptions(path: string, options: string, facts: Facts): void {
  for (const option of options.split(',').filter(Boolean)) {
    const [key, value = ''] = option.split('=');
    if (key === 'size') facts[`tmpfs.${path}.size`] = dockerBytes(value);
    else if (key === 'mode') facts[`tmpfs.${path}.mode`] = Number.parseInt(value, 8);
    else if (key === 'uid' || key === 'gid') facts[`tmpfs.${path}.${key}`] = Number(value);
  }
}

/** `docker run` flags as facts (no --user: the image's USER). */
export function factsOfDockerFlags(flags: readonly string[], imageUser: { uid: number; gid: number }): Facts {
  const facts: Facts = { 'user.uid': imageUser.uid, 'user.gid': imageUser.gid, seccomp: 'runtime-default' };
  for (let i = 0; i < flags.length; i++) {
    const flag = flags[i] as string;
    const value = flags[i + 1] ?? '';
    if (flag === '--read-only') facts.readOnlyRoot = true;
    else if (flag === '--cap-drop') facts.capDrop = [...((facts.capDrop as string[]) ?? []), value];
    else if (flag === '--security-opt' && /^no-new-privileges(:true)?$/.test(value)) facts.noNewPrivileges = true;
    else if (flag === '--security-opt' && /^seccomp[=:]/.test(value)) facts.seccomp = value.slice('seccomp='.length);
    else if (flag === '--memory') facts['limits.memory'] = dockerBytes(value);
    else if (flag === '--pids-limit') facts['limits.pids'] = Number(value);
    else if (flag === '--user') [facts['user.uid'], facts['user.gid']] = value.split(':').map(Number);
    else if (flag === '--tmpfs') {
      const [path = '', options = ''] = value.split(/:(.*)/s);
      tmpfsOptions(path, options, facts);
    } else if (flag === '--ulimit') {
      const [name, limits = ''] = value.split('=');
      const [soft, hard = soft] = limits.split(':');
      if (soft !== hard) throw new Error(`--ulimit ${value}: soft and hard differ`);
      facts[`ulimits.${name}`] = Number(soft);
    } else continue;
    if (flag !== '--read-only') i++;
  }
  return facts;
}

/** ${AGENTGATE_UID:-1000} as compose resolves it with nothing set: its default. */
const composeDefault = (value: unknown) => String(value).replace(/\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}/g, '$1');

/**
 * A compose or stack service as facts. Stack tmpfs mounts (type: tmpfs) and tmpfs volumes (driver_opts) count as
 * tmpfs; a tmpfs mount without a mode gets the engine's default, 1777.
 */
export function factsOfComposeService(service: any, volumes: Record<string, any> = {}): Facts {
  const facts: Facts = {};
  const [uid, gid] = composeDefault(service.user).split(':').map(Number);
  Object.assign(facts, { 'user.uid': uid, 'user.gid': gid });
  if (service.read_only) facts.readOnlyRoot = true;
  if (service.cap_drop) facts.capDrop = service.cap_drop;
  const securityOpt: string[] = service.security_opt ?? [];
  if (securityOpt.some((o) => /^no-new-privileges(:true)?$/.test(o))) facts.noNewPrivileges = true;
  facts.seccomp = securityOpt.find((o) => /^seccomp[=:]/.test(o))?.slice('seccomp='.length) ?? 'runtime-default';
  const limits = service.deploy?.resources?.limits ?? {};
  if (limits.memory !== undefined) facts['limits.memory'] = dockerBytes(composeDefault(limits.memory));
  if (limits.pids !== undefined) facts['limits.pids'] = Number(limits.pids);
  for (const entry of service.tmpfs ?? []) {
    const [path = '', options = ''] = composeDefault(entry).split(/:(.*)/s);
    tmpfsOptions(path, options, facts);
  }
  for (const mount of service.volumes ?? []) {
    if (typeof mount !== 'object') continue;
    if (mount.type === 'tmpfs') tmpfsOptions(mount.target, `mode=${(mount.tmpfs?.mode ?? 0o1777).toString(8)},size=${mount.tmpfs?.size ?? ''}`, facts);
    const driverOpts = mount.type === 'volume' ? volumes[mount.source]?.driver_opts : undefined;
    if (driverOpts?.type === 'tmpfs') tmpfsOptions(mount.target, composeDefault(driverOpts.o), facts);
  }
  for (const [name, limit] of Object.entries<any>(service.ulimits ?? {})) {
    const soft = typeof limit === 'object' ? limit.soft : limit;
    if (typeof limit === 'object' && limit.soft !== limit.hard) throw new Error(`ulimits.${name}: soft and hard differ`);
    facts[`ulimits.${name}`] = Number(soft);
  }
  return facts;
}

/** One pod's first container as facts: its security contexts, its limits and its emptyDir mounts. */
export function factsOfPodSpec(spec: any): Facts {
  const [container] = spec.containers;
  const pod = spec.securityContext ?? {};
  const own = container.securityContext ?? {};
  const facts: Facts = { 'user.uid': own.runAsUser ?? pod.runAsUser, 'user.gid': own.runAsGroup ?? pod.runAsGroup };
  if (own.readOnlyRootFilesystem) facts.readOnlyRoot = true;
  if (own.capabilities?.drop) facts.capDrop = own.capabilities.drop;
  if (own.allowPrivilegeEscalation === false) facts.noNewPrivileges = true;
  const seccomp = (own.seccompProfile ?? pod.seccompProfile)?.type;
  facts.seccomp = seccomp === 'RuntimeDefault' ? 'runtime-default' : seccomp;
  const limits = container.resources?.limits ?? {};
  if (limits.memory !== undefined) facts['limits.memory'] = kubernetesBytes(limits.memory);
  const volumes = new Map<string, any>(spec.volumes.map((v: any) => [v.name, v]));
  for (const mount of container.volumeMounts ?? []) {
    const sizeLimit = volumes.get(mount.name)?.emptyDir?.sizeLimit;
    if (sizeLimit !== undefined) facts[`tmpfs.${mount.mountPath}.size`] = kubernetesBytes(sizeLimit);
  }
  return facts;
}
